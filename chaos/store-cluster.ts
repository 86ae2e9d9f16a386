import pg from 'pg';
import {
  ADMIN_API_KEY,
  type ApiProcess,
  prepareSharedStore,
  type SharedStore,
  startServeProcess,
} from '../test/helpers/api-process.js';
import type { BookingAttempt } from '../test/helpers/booking-load.js';
import {
  BookingClient,
  directLhrJfk,
  type FlightOfferLike,
  searchFlights,
} from '../test/helpers/bookings.js';
import { postgresEnv, uniqueSchema } from '../test/helpers/postgres.js';
import { sharedRedisEnv } from '../test/helpers/redis.js';
import { type Check, check } from './scenario.js';

/**
 * What the PostgreSQL scenarios (pg-reset, pg-restart, kill9-storm) run against: `serve` instances
 * sharing one PostgreSQL schema (store, outbox) and one Redis (cache, event bus, rate limits), as the
 * cluster set-up of docs/cluster.md, each instance a child process; and the checks they end with, read from the
 * database itself.
 */
export interface StoreCluster {
  shared: SharedStore;
  schema: string;
  /** The URL the instances reach PostgreSQL by (a proxy, a private server). */
  databaseUrl: string;
  instances: ApiProcess[];
  /** A booking client per instance. */
  clients: BookingClient[];
  /** Starts one more instance on the store (a replacement after a kill). */
  startInstance(id: string): Promise<ApiProcess>;
  /** Stops every instance and deletes the Redis keys; the schema is the caller's. */
  stop(): Promise<void>;
}

export interface StoreClusterOptions {
  databaseUrl: string;
  label: string;
  instances: number;
  /** More environment for every instance. */
  env?: Record<string, string>;
}

/** Seeds a small inventory into a fresh schema and starts the instances (one worker each). */
export async function startStoreCluster(options: StoreClusterOptions): Promise<StoreCluster> {
  const schema = uniqueSchema(options.label);
  const redis = sharedRedisEnv(options.label);
  const shared = await prepareSharedStore(
    {
      ...postgresEnv(schema, options.databaseUrl),
      ...redis.env,
      RATE_LIMITER: 'redis',
      PG_POOL_SIZE: '10',
      WORKERS: '1',
      REQUEST_TIMEOUT_MS: '5000',
      PG_STATEMENT_TIMEOUT_MS: '2000',
      PG_CONNECT_TIMEOUT_MS: '1000',
      ...options.env,
    },
    { airports: 12, days: 3 },
  );
  const instances: ApiProcess[] = [];
  const clients: BookingClient[] = [];
  const startInstance = async (id: string): Promise<ApiProcess> => {
    const instance = await startServeProcess({ ...shared.env, INSTANCE_ID: id });
    instances.push(instance);
    clients.push(new BookingClient(instance.url, shared.apiKey, shared.token));
    return instance;
  };
  try {
    for (let i = 0; i < options.instances; i++) await startInstance(String.fromCharCode(97 + i));
  } catch (error) {
    for (const instance of instances) await instance.stop();
    throw error;
  }
  return {
    shared,
    schema,
    databaseUrl: options.databaseUrl,
    instances,
    clients,
    startInstance,
    async stop() {
      for (const instance of instances) await instance.stop();
      await redis.cleanup();
      shared.cleanup();
    },
  };
}

/** Direct LHR→JFK offers of the first `days` days, as a client would find them. */
export async function directOffers(cluster: StoreCluster, days: number): Promise<FlightOfferLike[]> {
  const offers: FlightOfferLike[] = [];
  for (let day = 1; day <= days; day++) {
    const found = await searchFlights(
      cluster.instances[0]!.url,
      cluster.shared.apiKey,
      directLhrJfk(cluster.shared.date(day)),
    );
    offers.push(...found.offers);
  }
  return offers;
}

/** Sets the economy seats left of `flightIds` through the admin API, as an operator would. */
export async function setEconomySeats(
  on: ApiProcess,
  flightIds: readonly string[],
  seats: number,
): Promise<void> {
  const response = await fetch(`${on.url}/v1/admin/availability`, {
    method: 'POST',
    headers: { 'x-api-key': ADMIN_API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({
      flights: flightIds.map((flightId) => ({ flightId, cabin: 'economy', seatsLeft: seats })),
    }),
  });
  if (response.status !== 200)
    throw new Error(`setting seats answered ${response.status}: ${await response.text()}`);
}

/**
 * Direct offers of the first `days` days and their flights (each once), every flight set to `seats`
 * economy seats through instance a: what the booking load of pg-reset and pg-restart books.
 */
export async function seatedOffers(
  cluster: StoreCluster,
  days: number,
  seats: number,
): Promise<{ offers: FlightOfferLike[]; flightIds: string[] }> {
  const offers = await directOffers(cluster, days);
  const flightIds = [...new Set(offers.map((offer) => offer.itineraries[0]!.segments[0]!.id))];
  await setEconomySeats(cluster.instances[0]!, flightIds, seats);
  return { offers, flightIds };
}

/** Runs `sql` on the cluster's schema, outside the instances (the checks read the truth there). */
export async function queryStore<R extends pg.QueryResultRow>(
  cluster: Pick<StoreCluster, 'databaseUrl' | 'schema'>,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({
    connectionString: cluster.databaseUrl,
    options: `-c search_path=${cluster.schema}`,
  });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Per flight: economy seats taken since they were set to `seatsSet`, and seats held by confirmed bookings. */
export async function seatAccounting(
  cluster: Pick<StoreCluster, 'databaseUrl' | 'schema'>,
  flightIds: readonly string[],
  seatsSet: number,
): Promise<{ flightId: string; taken: number; booked: number }[]> {
  const left = await queryStore<{ flight_id: string; seats_left: number }>(
    cluster,
    `SELECT flight_id, seats_left FROM flight_cabins WHERE cabin = 'economy' AND flight_id = ANY($1::text[])`,
    [flightIds],
  );
  const booked = await queryStore<{ flight_id: string; seats: number }>(
    cluster,
    `SELECT document->'hold'->'flightIds'->>0 AS flight_id, sum((document->'hold'->>'seats')::int)::int AS seats
     FROM bookings WHERE status = 'confirmed' AND document->'hold'->'flightIds'->>0 = ANY($1::text[]) GROUP BY 1`,
    [flightIds],
  );
  return flightIds.map((flightId) => ({
    flightId,
    taken: seatsSet - (left.find((row) => row.flight_id === flightId)?.seats_left ?? seatsSet),
    booked: booked.find((row) => row.flight_id === flightId)?.seats ?? 0,
  }));
}

/** Waits until the outbox holds nothing unpublished (or `timeoutMs` passed); answers what is left. */
export async function outboxDrained(
  cluster: Pick<StoreCluster, 'databaseUrl' | 'schema'>,
  timeoutMs: number,
): Promise<{ pending: number; total: number; deadLetters: number; ms: number }> {
  const started = performance.now();
  for (;;) {
    const [row] = await queryStore<{ pending: number; total: number; dead: number }>(
      cluster,
      `SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS pending,
              (SELECT count(*) FROM outbox)::int AS total,
              (SELECT count(*) FROM dead_letters)::int AS dead`,
    );
    const ms = performance.now() - started;
    if (row!.pending === 0 || ms > timeoutMs) {
      return { pending: row!.pending, total: row!.total, deadLetters: row!.dead, ms };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Ids of the 201s among `attempts` that do not read back 200 from any instance (reading round robin). */
export async function unreadableBookings(
  clients: readonly BookingClient[],
  attempts: readonly BookingAttempt[],
): Promise<{ acknowledged: number; unreadable: string[] }> {
  const ids = attempts.flatMap((a) => (a.bookingId ? [a.bookingId] : []));
  const unreadable: string[] = [];
  for (const [i, id] of ids.entries()) {
    const response = await clients[i % clients.length]!.get(id);
    if (response.status !== 200) unreadable.push(id);
    await response.arrayBuffer();
  }
  return { acknowledged: ids.length, unreadable };
}

/** Whether a child is still the process it was (not exited), and its output holds no crash. */
export function crashFree(instance: ApiProcess, pid: number | undefined): boolean {
  return (
    instance.child.exitCode === null &&
    instance.child.signalCode === null &&
    instance.child.pid === pid &&
    !/Emitted 'error' event|Unhandled|uncaught|exited \(/i.test(instance.output())
  );
}

/** Longest a client keeps retrying one booking (the idempotency lease of a dead instance is ≥ 60 s). */
const RETRY_FOR_MS = 120_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How a client's retries (same idempotency key, same body) of one unanswered booking ended. */
export interface RetryOutcome {
  attempt: BookingAttempt;
  status: number;
  problemType?: string;
  bookingId?: string;
  /** Answers "idempotency-key-in-use" (409) before the final one. */
  inUse: number;
  /** ms from the first retry to the final answer. */
  ms: number;
}

/**
 * Retries `attempt` on `client` under its idempotency key, as a client would after no answer or a
 * 503, until it gets a final answer (not 409 in-use, not 5xx) or RETRY_FOR_MS passed.
 */
export async function retryUntilFinal(
  client: BookingClient,
  attempt: BookingAttempt,
  body: unknown,
): Promise<RetryOutcome> {
  const started = performance.now();
  let inUse = 0;
  for (;;) {
    const response = await client.book(body, attempt.key, AbortSignal.timeout(15_000)).catch(() => undefined);
    const json = (await response?.json().catch(() => ({}))) as
      | { type?: string; data?: { id?: string } }
      | undefined;
    const status = response?.status ?? 0;
    const keyInUse = status === 409 && json?.type?.endsWith('/idempotency-key-in-use');
    const final = status !== 0 && status < 500 && !keyInUse;
    if (final || performance.now() - started > RETRY_FOR_MS) {
      return {
        attempt,
        status,
        ...(json?.type ? { problemType: json.type } : {}),
        ...(status === 201 && json?.data?.id ? { bookingId: json.data.id } : {}),
        inUse,
        ms: performance.now() - started,
      };
    }
    if (keyInUse) inUse++;
    const retryAfter = Number(response?.headers.get('retry-after') ?? '2');
    await sleep(Math.min(10, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 2) * 1000);
  }
}

/** Final answers of retries counted by status and problem type ("201", "409 sold-out"). */
export function retryTally(retries: readonly RetryOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of retries) {
    const what = `${r.status}${r.problemType ? ` ${r.problemType.split('/').pop()}` : ''}`;
    counts[what] = (counts[what] ?? 0) + 1;
  }
  return counts;
}

/** What the store holds after the unsettled bookings of a load were retried, against what clients were told. */
export interface Settlement {
  retries: RetryOutcome[];
  /** Booking ids clients were answered 201 with, first try or retry. */
  acknowledged: Set<string>;
  /** Confirmed bookings stored on the load's flights. */
  stored: Set<string>;
  /** Retries answered 201 with a booking stored before any retry: its first try committed though its answer was lost or 503. */
  replayed: number;
  /** Stored bookings no client was told of: must be none. */
  neverAcknowledged: string[];
  /** Bookings a client was told of that are not stored: must be none. */
  lost: string[];
}

const storedBookings = async (
  cluster: Pick<StoreCluster, 'databaseUrl' | 'schema'>,
  flightIds: readonly string[],
) =>
  new Set(
    (
      await queryStore<{ id: string }>(
        cluster,
        `SELECT id FROM bookings WHERE status = 'confirmed' AND document->'hold'->'flightIds'->>0 = ANY($1::text[])`,
        [flightIds],
      )
    ).map((row) => row.id),
  );

/**
 * Retries `unsettled` (bookings answered 503 or not at all) on `client` under their idempotency keys,
 * all at once, as their clients would, then compares what the store holds with what clients were
 * told: a booking whose commit succeeded while its answer was lost is replayed to its retry, never
 * booked twice, so every stored booking ends up acknowledged.
 */
export async function settleBookings(
  cluster: Pick<StoreCluster, 'databaseUrl' | 'schema'>,
  client: BookingClient,
  attempts: readonly BookingAttempt[],
  unsettled: readonly BookingAttempt[],
  body: (index: number) => unknown,
  flightIds: readonly string[],
): Promise<Settlement> {
  const before = await storedBookings(cluster, flightIds);
  const retries = await Promise.all(unsettled.map((a) => retryUntilFinal(client, a, body(a.index))));
  const acknowledged = new Set([
    ...attempts.flatMap((a) => (a.bookingId ? [a.bookingId] : [])),
    ...retries.flatMap((r) => (r.bookingId ? [r.bookingId] : [])),
  ]);
  const stored = await storedBookings(cluster, flightIds);
  return {
    retries,
    acknowledged,
    stored,
    replayed: retries.filter((r) => r.bookingId !== undefined && before.has(r.bookingId)).length,
    neverAcknowledged: [...stored].filter((id) => !acknowledged.has(id)),
    lost: [...acknowledged].filter((id) => !stored.has(id)),
  };
}

/** What the store holds once a load on the cluster stopped and its 503s were retried. */
export interface Aftermath {
  /** The load's 201s read back (before the retries). */
  live: { acknowledged: number; unreadable: string[] };
  settled: Settlement;
  seats: { flightId: string; taken: number; booked: number }[];
  /** Flights whose seats taken differ from the seats of their stored bookings, or that hold more than were set. */
  oversold: { flightId: string; taken: number; booked: number }[];
  outbox: { pending: number; total: number; deadLetters: number; ms: number };
}

/**
 * After a load of `body(i)` bookings on `flightIds` (`seatsSet` seats each): reads every 201 back,
 * retries the 503s on instance a (`settleBookings`), counts seats and waits for the outbox to drain.
 */
export async function settleAfterLoad(
  cluster: StoreCluster,
  attempts: readonly BookingAttempt[],
  body: (index: number) => unknown,
  flightIds: readonly string[],
  seatsSet: number,
): Promise<Aftermath> {
  const live = await unreadableBookings(cluster.clients, attempts);
  const unsettled = attempts.filter((a) => a.status === 503);
  const settled = await settleBookings(cluster, cluster.clients[0]!, attempts, unsettled, body, flightIds);
  const seats = await seatAccounting(cluster, flightIds, seatsSet);
  const oversold = seats.filter((flight) => flight.taken !== flight.booked || flight.booked > seatsSet);
  const outbox = await outboxDrained(cluster, 30_000);
  return { live, settled, seats, oversold, outbox };
}

/** The check that retried 503s settle: every stored booking acknowledged, none booked twice. */
export function settledCheck(settled: Settlement): Check {
  return check(
    'retried under their idempotency keys, the 503s settle: every stored booking acknowledged to its client, none booked twice',
    settled.neverAcknowledged.length === 0 && settled.lost.length === 0,
    `${settled.retries.length} retried: ${JSON.stringify(retryTally(settled.retries))}, ${settled.replayed} of them replayed a booking that had committed though its answer was 503; slowest settled after ${(Math.max(0, ...settled.retries.map((r) => r.ms)) / 1000).toFixed(1)} s and ${settled.retries.reduce((sum, r) => sum + r.inUse, 0)} "idempotency-key-in-use" answers in all; ${settled.acknowledged.size} acknowledged, ${settled.stored.size} stored, ${settled.neverAcknowledged.length} stored but never acknowledged`,
  );
}

/** The check that the outbox drained after the load. */
export function outboxCheck(outbox: Aftermath['outbox']): Check {
  return check(
    'the outbox publishes every event (nothing pending, no dead letter)',
    outbox.pending === 0 && outbox.deadLetters === 0,
    `${outbox.total - outbox.pending} of ${outbox.total} published ${outbox.ms.toFixed(0)} ms after the load; ${outbox.deadLetters} dead letters`,
  );
}
