import type { Transaction } from 'better-sqlite3';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { AppendOrigin, Outbox, OutboxRecord } from '../../../ports/outbox.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';

interface OutboxRow {
  seq: number;
  event: string;
}

interface LeaseRow {
  owner: string;
  expires_at: number;
}

/**
 * The transactional outbox on the process's shared SQLite connection.
 *
 * Writers call `append` inside their own `db.transaction`, so the events commit or roll back with the
 * change they describe; the relay (core/events/outbox-relay.ts) reads them through the Outbox port.
 *
 *   writer (sync, one connection)          relay (async, same connection)
 *   ───────────────────────────────────    ─────────────────────────────────────────
 *   BEGIN
 *     UPDATE flight_cabins …
 *     append(booking.created) → INSERT     (cannot run: JS is busy in the transaction)
 *   COMMIT or ROLLBACK
 *   setImmediate(nudge) ─────────────────▶ claim: sees the row only if it committed
 *                                          publish → markPublished
 *
 * Seq order is commit order here (SQLite has one writer at a time), stronger than the port's
 * per-aggregate order. Record ids are the seq numbers as text.
 *
 * A caller that opens a transaction by hand and awaits inside it would let the relay read its
 * uncommitted rows through the same connection; `claim` therefore returns nothing while the
 * connection is inside a transaction and the next poll tries again.
 */
export class SqliteOutbox implements Outbox {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #listeners = new Set<(origin: AppendOrigin) => void>();
  #nudgeScheduled = false;
  readonly #appendAll: (events: readonly CloudEvent[]) => void;
  readonly #claim: Transaction<(owner: string, limit: number, leaseMs: number) => OutboxRecord[]>;

  constructor(db: SqliteDatabase, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
    const insert = db.prepare(
      'INSERT INTO outbox (event_id, type, event, created_at) VALUES (@id, @type, @event, @createdAt)',
    );
    // Nested in the caller's transaction this is a savepoint; on its own, a transaction of its own.
    this.#appendAll = db.transaction((events: readonly CloudEvent[]) => {
      const createdAt = this.#clock.now();
      for (const event of events) {
        insert.run({ id: event.id, type: event.type, event: JSON.stringify(event), createdAt });
      }
    });
    const readLease = db.prepare('SELECT owner, expires_at FROM outbox_lease WHERE id = 1');
    const writeLease = db.prepare(
      `INSERT INTO outbox_lease (id, owner, expires_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
    );
    const pending = db.prepare(
      'SELECT seq, event FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?',
    );
    this.#claim = db.transaction((owner: string, limit: number, leaseMs: number) => {
      const now = this.#clock.now();
      const lease = readLease.get() as LeaseRow | undefined;
      if (lease !== undefined && lease.owner !== owner && lease.expires_at > now) return [];
      writeLease.run(owner, now + leaseMs);
      return (pending.all(limit) as OutboxRow[]).map(toRecord);
    });
  }

  /**
   * Appends `events` in order. Call it inside the transaction of the change they describe; throws the
   * driver error (rolling that transaction back) when the insert fails.
   */
  append(events: readonly CloudEvent[]): void {
    if (events.length === 0) return;
    this.#appendAll(events);
    this.#scheduleNudge();
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<OutboxRecord[]> {
    if (this.#db.inTransaction) return [];
    return guarded('claim outbox records', () => {
      // A cheap read first: an idle relay polling an empty outbox writes nothing.
      if (this.#db.prepare('SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1').get() === undefined) {
        return [];
      }
      // IMMEDIATE takes the write lock up front, so two processes never both read the lease as free.
      return this.#claim.immediate(owner, limit, leaseMs);
    });
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    // Ids are this adapter's seq numbers as text; anything else names no record.
    const seqs = ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
    if (seqs.length === 0) return;
    guarded('mark outbox records published', () => {
      this.#db
        .prepare(
          'UPDATE outbox SET published_at = ? WHERE published_at IS NULL AND seq IN (SELECT value FROM json_each(?))',
        )
        .run(this.#clock.now(), JSON.stringify(seqs));
    });
  }

  async release(owner: string): Promise<void> {
    guarded('release the outbox lease', () => {
      this.#db.prepare('DELETE FROM outbox_lease WHERE id = 1 AND owner = ?').run(owner);
    });
  }

  onAppend(listener: (origin: AppendOrigin) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async prunePublished(before: number): Promise<number> {
    return guarded('prune the outbox', () => {
      return this.#db
        .prepare('DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?')
        .run(before).changes;
    });
  }

  /** Unpublished records in order, for inspection and tests; [] when none. */
  pendingRecords(limit = 1000): OutboxRecord[] {
    return (
      this.#db
        .prepare('SELECT seq, event FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?')
        .all(limit) as OutboxRow[]
    ).map(toRecord);
  }

  #scheduleNudge(): void {
    if (this.#nudgeScheduled || this.#listeners.size === 0) return;
    this.#nudgeScheduled = true;
    // setImmediate runs after the synchronous transaction around `append` has committed or rolled back.
    setImmediate(() => {
      this.#nudgeScheduled = false;
      for (const listener of this.#listeners) listener('this-process');
    });
  }
}

function toRecord(row: OutboxRow): OutboxRecord {
  return { id: String(row.seq), event: JSON.parse(row.event) as CloudEvent };
}
