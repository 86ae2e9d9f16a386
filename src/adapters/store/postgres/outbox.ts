import pg from 'pg';
import type { Clock } from '../../../ports/clock.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { Outbox, OutboxRecord } from '../../../ports/outbox.js';
import { clientConfig, guarded, type PostgresConnectionOptions, type Queryable } from './connection.js';

/** The LISTEN/NOTIFY channel of one schema's outbox, so stores in other schemas never wake this relay. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Appends `events` in order inside the caller's transaction and notifies the outbox channel. NOTIFY is
 * transactional: listeners in every process hear it when the transaction commits, never on rollback.
 */
export async function appendToOutbox(
  client: Queryable,
  schema: string,
  events: readonly CloudEvent[],
  now: number,
): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO outbox (event_id, type, event, created_at)
     SELECT id, type, event, $4 FROM unnest($1::text[], $2::text[], $3::json[]) WITH ORDINALITY AS e(id, type, event, n)
     ORDER BY n`,
    [events.map((e) => e.id), events.map((e) => e.type), events.map((e) => JSON.stringify(e)), now],
  );
  await client.query('SELECT pg_notify($1, $2)', [outboxChannel(schema), '']);
}

/** How long the listener waits before reconnecting after its connection broke. */
const RELISTEN_DELAY_MS = 500;

/**
 * The relay's side of the outbox on PostgreSQL.
 *
 * Several processes share one outbox; the lease row makes one relay at a time drain it (in seq order),
 * taken or renewed with one conditional upsert, so two relays never both believe they hold it.
 * `onAppend` listeners hear appends of every process: a dedicated connection LISTENs on the schema's
 * channel, which writers NOTIFY in the appending transaction.
 *
 *   process A (booking)                 PostgreSQL                    process B (relay, lease holder)
 *   ─────────────────────────────────   ──────────────────────────    ───────────────────────────────
 *   BEGIN; UPDATE flight_cabins …
 *   INSERT INTO outbox …; NOTIFY ch
 *   COMMIT ───────────────────────────▶ delivers NOTIFY ch ─────────▶ onAppend → relay.nudge()
 *                                                                      claim → publish → markPublished
 *
 * While the listening connection is down, appends of other processes are still found by the relay's
 * poll; each time it (re)connects, listeners are called once in case something was missed meanwhile.
 */
export class PostgresOutbox implements Outbox {
  readonly #pool: pg.Pool;
  readonly #connection: PostgresConnectionOptions;
  readonly #clock: Clock;
  readonly #listeners = new Set<() => void>();
  #listener: pg.Client | undefined;
  #relistenTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(pool: pg.Pool, connection: PostgresConnectionOptions, clock: Clock) {
    this.#pool = pool;
    this.#connection = connection;
    this.#clock = clock;
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<OutboxRecord[]> {
    return guarded('claim outbox records', async () => {
      // A cheap read first: an idle relay polling an empty outbox writes nothing.
      const pending = await this.#pool.query('SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1');
      if (pending.rowCount === 0) return [];
      const now = this.#clock.now();
      // The upsert only succeeds for the holder or when the lease ran out; its RETURNING row is the
      // lease, so the SELECT yields nothing for a relay that did not get it.
      const result = await this.#pool.query<{ seq: number; event: CloudEvent }>(
        `WITH lease AS (
           INSERT INTO outbox_lease AS l (id, owner, expires_at) VALUES (1, $1, $2)
           ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
           WHERE l.owner = excluded.owner OR l.expires_at <= $3
           RETURNING owner)
         SELECT o.seq, o.event FROM outbox o, lease WHERE o.published_at IS NULL ORDER BY o.seq LIMIT $4`,
        [owner, now + leaseMs, now, limit],
      );
      return result.rows.map((row) => ({ id: String(row.seq), event: row.event }));
    });
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    // Ids are the decimal seq; anything else names no record.
    const seqs = ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
    if (seqs.length === 0) return;
    await guarded('mark outbox records published', () =>
      this.#pool.query(
        'UPDATE outbox SET published_at = $1 WHERE published_at IS NULL AND seq = ANY($2::bigint[])',
        [this.#clock.now(), seqs],
      ),
    );
  }

  async release(owner: string): Promise<void> {
    await guarded('release the outbox lease', () =>
      this.#pool.query('DELETE FROM outbox_lease WHERE id = 1 AND owner = $1', [owner]),
    );
  }

  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (this.#listener === undefined && this.#relistenTimer === undefined) void this.#listen();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopListening();
    };
  }

  async prunePublished(before: number): Promise<number> {
    return guarded('prune the outbox', async () => {
      const result = await this.#pool.query(
        'DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < $1',
        [before],
      );
      return result.rowCount ?? 0;
    });
  }

  /** Stops listening for good. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopListening();
  }

  async #listen(): Promise<void> {
    if (this.#closed || this.#listeners.size === 0) return;
    const client = new pg.Client(clientConfig(this.#connection));
    this.#listener = client;
    const lost = (): void => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      this.#scheduleRelisten();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.#notify());
    try {
      await client.connect();
      await client.query(`LISTEN ${outboxChannel(this.#connection.schema)}`);
      // Appends made while nobody listened are only found by looking.
      this.#notify();
    } catch {
      lost();
    }
  }

  #scheduleRelisten(): void {
    if (this.#closed || this.#listeners.size === 0 || this.#relistenTimer !== undefined) return;
    this.#relistenTimer = setTimeout(() => {
      this.#relistenTimer = undefined;
      void this.#listen();
    }, RELISTEN_DELAY_MS);
    this.#relistenTimer.unref();
  }

  #stopListening(): void {
    clearTimeout(this.#relistenTimer);
    this.#relistenTimer = undefined;
    const client = this.#listener;
    this.#listener = undefined;
    if (client !== undefined) {
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
    }
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
