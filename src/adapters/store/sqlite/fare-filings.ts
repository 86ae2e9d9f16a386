import type { CloudEvent } from '../../../ports/events.js';
import {
  type FareComparison,
  type FareFiling,
  type FareFilings,
  type FareMarket,
  fareFilingBody,
  fareFilingKey,
  type StagedFiling,
} from '../../../ports/fare-filings.js';
import { type ComparisonRow, parseFareBody, toFareComparison } from '../fare-filing-rows.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';
import type { SqliteOutbox } from './outbox.js';

/** Filings of the carriers' current versions, as a subquery over `@carriers` (a JSON array). */
const CURRENT = `SELECT f.carrier, f.origin, f.destination, f.filing_key, f.body
  FROM fare_versions v JOIN fare_filings f ON f.version = v.version AND f.carrier = v.carrier
  WHERE v.carrier IN (SELECT value FROM json_each(@carriers))`;

/**
 * FareFilings on the shared SQLite connection. Staging inserts rows under the new version; publishing
 * switches `fare_versions` and appends the events in one IMMEDIATE transaction, then deletes the
 * replaced versions' rows in the same transaction (WAL readers keep the snapshot they started with).
 */
export class SqliteFareFilings implements FareFilings {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox | undefined;
  readonly #s;

  /** `outbox` is absent on a read-only connection (search threads), which only reads fares. */
  constructor(db: SqliteDatabase, outbox?: SqliteOutbox) {
    this.#db = db;
    this.#outbox = outbox;
    this.#s = {
      find: db.prepare(
        `SELECT f.body FROM fare_versions v
         JOIN fare_filings f ON f.version = v.version AND f.carrier = v.carrier
         WHERE v.carrier = ? AND f.origin = ? AND f.destination = ?`,
      ),
    };
  }

  async findFares(markets: readonly FareMarket[]): Promise<FareFiling[][]> {
    return guarded('read fare filings', () =>
      markets.map((m) =>
        (this.#s.find.all(m.carrier, m.origin, m.destination) as { body: string }[]).map((row) =>
          parseFareBody(row.body),
        ),
      ),
    );
  }

  async stage(version: string, filings: readonly StagedFiling[]): Promise<number[]> {
    return guarded('stage fare filings', () => {
      const insert = this.#db.prepare(
        `INSERT OR IGNORE INTO fare_filings (version, carrier, origin, destination, filing_key, line, body)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      return this.#db
        .transaction(() => {
          const duplicates: number[] = [];
          for (const { line, filing } of filings) {
            const inserted = insert.run(
              version,
              filing.carrier,
              filing.origin,
              filing.destination,
              fareFilingKey(filing),
              line,
              fareFilingBody(filing),
            ).changes;
            if (inserted === 0) duplicates.push(line);
          }
          return duplicates;
        })
        .immediate();
    });
  }

  async compare(version: string, carriers: readonly string[]): Promise<FareComparison> {
    return guarded('compare fare filings', () => {
      const rows = this.#db
        .prepare(
          `WITH current AS (${CURRENT})
           SELECT s.origin, s.destination,
                  CASE WHEN c.body IS NULL THEN 'created' WHEN c.body = s.body THEN 'unchanged' ELSE 'changed' END AS status,
                  COUNT(*) AS count
           FROM fare_filings s
           LEFT JOIN current c ON c.carrier = s.carrier AND c.origin = s.origin
                AND c.destination = s.destination AND c.filing_key = s.filing_key
           WHERE s.version = @version
           GROUP BY 1, 2, 3
           UNION ALL
           SELECT c.origin, c.destination, 'removed', COUNT(*) FROM current c
           WHERE NOT EXISTS (SELECT 1 FROM fare_filings s WHERE s.version = @version AND s.carrier = c.carrier
                 AND s.origin = c.origin AND s.destination = c.destination AND s.filing_key = c.filing_key)
           GROUP BY 1, 2`,
        )
        .all({ version, carriers: JSON.stringify(carriers) }) as ComparisonRow[];
      return toFareComparison(rows);
    });
  }

  async publish(version: string, carriers: readonly string[], events: readonly CloudEvent[]): Promise<void> {
    const outbox = this.#outbox;
    if (outbox === undefined) throw new Error('fare filings opened read-only cannot publish');
    guarded('publish fare filings', () => {
      const replaced = this.#db.prepare('SELECT version FROM fare_versions WHERE carrier = ?');
      const current = this.#db.prepare(
        'INSERT INTO fare_versions (carrier, version) VALUES (?, ?) ON CONFLICT (carrier) DO UPDATE SET version = excluded.version',
      );
      const drop = this.#db.prepare('DELETE FROM fare_filings WHERE version = ? AND carrier = ?');
      this.#db
        .transaction(() => {
          for (const carrier of carriers) {
            const old = replaced.get(carrier) as { version: string } | undefined;
            current.run(carrier, version);
            if (old !== undefined && old.version !== version) drop.run(old.version, carrier);
          }
          outbox.append(events);
        })
        .immediate();
    });
  }

  async discard(version: string): Promise<void> {
    guarded('discard staged fare filings', () => {
      this.#db.prepare('DELETE FROM fare_filings WHERE version = ?').run(version);
    });
  }
}
