import type { PostgresMigration } from './index.js';

/**
 * Imported fare filings (ports/fare-filings.ts), by version: `fare_versions` names each carrier's
 * current version; filings of other versions are staged imports or replaced ones awaiting deletion.
 */
export const faresSchema: PostgresMigration = {
  id: '0004-fares',
  sql: `
    CREATE TABLE fare_filings (
      version text COLLATE "C" NOT NULL,
      carrier text COLLATE "C" NOT NULL,
      origin text COLLATE "C" NOT NULL,
      destination text COLLATE "C" NOT NULL,
      filing_key text COLLATE "C" NOT NULL,
      line integer NOT NULL,
      body text NOT NULL,
      PRIMARY KEY (version, carrier, origin, destination, filing_key)
    );
    CREATE TABLE fare_versions (
      carrier text COLLATE "C" PRIMARY KEY,
      version text COLLATE "C" NOT NULL
    );
  `,
};
