import type pg from 'pg';
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
import { type AppendEvents, guarded, inTransaction } from './connection.js';

/** Filings of the carriers' current versions ($2: the carriers). */
const CURRENT = `SELECT f.carrier, f.origin, f.destination, f.filing_key, f.body
  FROM fare_versions v JOIN fare_filings f ON f.version = v.version AND f.carrier = v.carrier
  WHERE v.carrier = ANY($2::text[])`;

/**
 * FareFilings on PostgreSQL. Lists travel as arrays, so staging a batch or reading every market of a
 * search is one statement. Publishing switches `fare_versions`, appends the events and deletes the
 * replaced versions in one transaction: readers see the old fares until it commits (MVCC).
 */
export class PostgresFareFilings implements FareFilings {
  readonly #pool: pg.Pool;
  readonly #appendEvents: AppendEvents;

  constructor(pool: pg.Pool, appendEvents: AppendEvents) {
    this.#pool = pool;
    this.#appendEvents = appendEvents;
  }

  async findFares(markets: readonly FareMarket[]): Promise<FareFiling[][]> {
    if (markets.length === 0) return [];
    const result = await guarded('read fare filings', () =>
      this.#pool.query<{ market: number; body: string }>(
        `SELECT m.market, f.body
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS m(carrier, origin, destination, market)
         JOIN fare_versions v ON v.carrier = m.carrier
         JOIN fare_filings f ON f.version = v.version AND f.carrier = m.carrier
              AND f.origin = m.origin AND f.destination = m.destination`,
        [markets.map((m) => m.carrier), markets.map((m) => m.origin), markets.map((m) => m.destination)],
      ),
    );
    const answers: FareFiling[][] = markets.map(() => []);
    for (const row of result.rows) answers[Number(row.market) - 1]?.push(parseFareBody(row.body));
    return answers;
  }

  async stage(version: string, filings: readonly StagedFiling[]): Promise<number[]> {
    if (filings.length === 0) return [];
    const inserted = await guarded('stage fare filings', () =>
      this.#pool.query<{ line: number }>(
        `INSERT INTO fare_filings (version, carrier, origin, destination, filing_key, line, body)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
         ON CONFLICT DO NOTHING RETURNING line`,
        [
          version,
          filings.map((s) => s.filing.carrier),
          filings.map((s) => s.filing.origin),
          filings.map((s) => s.filing.destination),
          filings.map((s) => fareFilingKey(s.filing)),
          filings.map((s) => s.line),
          filings.map((s) => fareFilingBody(s.filing)),
        ],
      ),
    );
    const written = new Set(inserted.rows.map((row) => row.line));
    return filings.filter((s) => !written.has(s.line)).map((s) => s.line);
  }

  async compare(version: string, carriers: readonly string[]): Promise<FareComparison> {
    const result = await guarded('compare fare filings', () =>
      this.#pool.query<ComparisonRow>(
        `WITH current AS (${CURRENT})
         SELECT s.origin, s.destination,
                CASE WHEN c.body IS NULL THEN 'created' WHEN c.body = s.body THEN 'unchanged' ELSE 'changed' END AS status,
                COUNT(*)::int AS count
         FROM fare_filings s
         LEFT JOIN current c ON c.carrier = s.carrier AND c.origin = s.origin
              AND c.destination = s.destination AND c.filing_key = s.filing_key
         WHERE s.version = $1
         GROUP BY 1, 2, 3
         UNION ALL
         SELECT c.origin, c.destination, 'removed', COUNT(*)::int FROM current c
         WHERE NOT EXISTS (SELECT 1 FROM fare_filings s WHERE s.version = $1 AND s.carrier = c.carrier
               AND s.origin = c.origin AND s.destination = c.destination AND s.filing_key = c.filing_key)
         GROUP BY 1, 2`,
        [version, [...carriers]],
      ),
    );
    return toFareComparison(result.rows);
  }

  async publish(version: string, carriers: readonly string[], events: readonly CloudEvent[]): Promise<void> {
    const sorted = [...carriers].sort();
    await guarded('publish fare filings', () =>
      inTransaction(this.#pool, async (client) => {
        // Carriers locked in one order, so two imports naming the same carriers never deadlock.
        const replaced = await client.query<{ carrier: string; version: string }>(
          'SELECT carrier, version FROM fare_versions WHERE carrier = ANY($1::text[]) ORDER BY carrier FOR UPDATE',
          [sorted],
        );
        await client.query(
          `INSERT INTO fare_versions (carrier, version) SELECT c, $2 FROM unnest($1::text[]) AS c
           ON CONFLICT (carrier) DO UPDATE SET version = excluded.version`,
          [sorted, version],
        );
        await this.#appendEvents(client, events);
        const old = replaced.rows.filter((row) => row.version !== version);
        if (old.length > 0) {
          await client.query(
            `DELETE FROM fare_filings f USING unnest($1::text[], $2::text[]) AS o(carrier, version)
             WHERE f.carrier = o.carrier AND f.version = o.version`,
            [old.map((row) => row.carrier), old.map((row) => row.version)],
          );
        }
      }),
    );
  }

  async discard(version: string): Promise<void> {
    await guarded('discard staged fare filings', () =>
      this.#pool.query('DELETE FROM fare_filings WHERE version = $1', [version]),
    );
  }
}
