import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Clock } from '../../../ports/clock.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { AppendOrigin, Outbox, OutboxRecord } from '../../../ports/outbox.js';
import { AppendSignal } from '../append-signal.js';
import {
  afterCommit,
  clientConfig,
  guarded,
  type PostgresConnectionOptions,
  type Queryable,
} from './connection.js';

/** The LISTEN/NOTIFY channel of one schema's outbox, so stores in other schemas never wake this relay. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * How this process appends to one schema's outbox. Its own relay is told by `local` as soon as the
 * appending transaction committed (`appendToOutbox` arranges it with `afterCommit`), without waiting for the
 * server's notification; every NOTIFY carries `origin`, so this process's listener can tell the
 * appends of other processes from its own.
 */
export class OutboxAppends {
  readonly origin = randomUUID();
  readonly local = new AppendSignal();

  constructor(readonly schema: string) {}
}

/**
 * Appends `events` in order inside the caller's transaction and notifies the outbox channel. NOTIFY is
 * transactional: listeners in every process hear it when the transaction commits, never on rollback;
 * this process's own listeners hear it then too (`afterCommit`).
 */
export async function appendToOutbox(
  client: Queryable,
  appends: OutboxAppends,
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
  await client.query('SELECT pg_notify($1, $2)', [outboxChannel(appends.schema), appends.origin]);
  afterCommit(client, () => appends.local.appended());
}

/** How long the listener waits before reconnecting after its connection broke. */
const RELISTEN_DELAY_MS = 500;

/**
 * The relay's side of the outbox on PostgreSQL.
 *
 * Several processes share one outbox; the lease row makes one relay at a time drain it (in seq order),
 * taken or renewed with one conditional upsert, so two relays never both believe they hold it.
 * `onAppend` listeners hear appends of every process: those of this process from `OutboxAppends`
 * once they committed, those of others through a dedicated connection LISTENing on the schema's
 * channel, which writers NOTIFY in the appending transaction.
 *
 *   process A (booking)                 PostgreSQL                    process B (relay, lease holder)
 *   ─────────────────────────────────   ──────────────────────────    ───────────────────────────────
 *   BEGIN; UPDATE flight_cabins …
 *   INSERT INTO outbox …; NOTIFY ch, A
 *   COMMIT ───────────────────────────▶ delivers NOTIFY ch, A ──────▶ onAppend('another-process')
 *   onAppend('this-process')                                           → relay.nudge()
 *   (A's own NOTIFY is skipped)                                        claim → publish → markPublished
 *
 * The server delivers a notification only once every notification queued before it in the database
 * has committed, so a slow committer elsewhere can hold it back (measured up to ~0.2 s on a loaded
 * machine): hearing this process's appends at commit keeps that off the path when the writer holds the
 * lease, and callers may relay their appends to the other processes by a faster way too.
 * While the listening connection is down, appends of other processes are still found by the relay's
 * poll; each time it (re)connects, listeners are called once in case something was missed meanwhile.
 */
export class PostgresOutbox implements Outbox {
  readonly #pool: pg.Pool;
  readonly #connection: PostgresConnectionOptions;
  readonly #clock: Clock;
  readonly #appends: OutboxAppends;
  readonly #listeners = new Set<(origin: AppendOrigin) => void>();
  #listener: pg.Client | undefined;
  #relistenTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(pool: pg.Pool, connection: PostgresConnectionOptions, clock: Clock, appends: OutboxAppends) {
    this.#pool = pool;
    this.#appends = appends;
    this.#connection = connection;
    this.#clock = clock;
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<OutboxRecord[]> {
    return guarded('claim outbox records', async () => {
      const now = this.#clock.now();
      // One statement, one round trip on the way from an append to the bus. The upsert only succeeds
      // for the holder or when the lease ran out, and only when something is pending (an idle relay
      // polling an empty outbox writes nothing); its RETURNING row is the lease, so the SELECT yields
      // nothing for a relay that did not get it. A relay that can see another's live lease does not
      // even try: ON CONFLICT locks the lease row whether or not it updates it, and every relay is
      // woken by every append, so the holder would queue behind the others' attempts.
      const result = await this.#pool.query<{ seq: number; event: CloudEvent }>(
        `WITH lease AS (
           INSERT INTO outbox_lease AS l (id, owner, expires_at)
           SELECT 1, $1::text, $2::bigint
           WHERE EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL)
             AND NOT EXISTS (SELECT 1 FROM outbox_lease WHERE owner <> $1 AND expires_at > $3)
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

  onAppend(listener: (origin: AppendOrigin) => void): () => void {
    const stopLocal = this.#appends.local.listen(listener);
    this.#listeners.add(listener);
    if (this.#listener === undefined && this.#relistenTimer === undefined) void this.#listen();
    return () => {
      stopLocal();
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
    client.on('notification', (message) => {
      // This process's own appends were heard when they committed.
      if (message.payload !== this.#appends.origin) this.#notify();
    });
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
    for (const listener of this.#listeners) listener('another-process');
  }
}
