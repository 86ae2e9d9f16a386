import type { Migration } from './index.js';

/**
 * Imported fare filings (ports/fare-filings.ts), by version: `fare_versions` names each carrier's
 * current version; filings of other versions are staged imports or replaced ones awaiting deletion.
 * A rowid table: a filing's body is a few hundred bytes, too large a row for WITHOUT ROWID to pay
 * (inserting 50,000 filings took 2.4 times as long as WITHOUT ROWID here).
 */
export const faresSchema: Migration = {
  id: '0007-fares',
  sql: `
    CREATE TABLE fare_filings (
      version TEXT NOT NULL,
      carrier TEXT NOT NULL,
      origin TEXT NOT NULL,
      destination TEXT NOT NULL,
      filing_key TEXT NOT NULL,
      line INTEGER NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (version, carrier, origin, destination, filing_key)
    );
    CREATE TABLE fare_versions (
      carrier TEXT PRIMARY KEY,
      version TEXT NOT NULL
    ) WITHOUT ROWID;
  `,
};
