import { afterAll } from 'vitest';
import type { PostgresStore } from '../../../src/adapters/store/postgres/index.js';
import {
  dropSchema,
  openTestPostgresStore,
  queryTestDatabase,
  uniqueSchema,
} from '../../helpers/postgres.js';
import { describeStoreContracts } from './index.js';

/**
 * Schemas of this file, created on demand and dropped when it ends. A schema a closed backend gave
 * back is emptied (every table but the migration log) and reused, so a test gets an empty, migrated
 * store without paying for creating ~30 tables and indices each time.
 */
const created: string[] = [];
const free: string[] = [];

async function emptySchema(schema: string): Promise<void> {
  const tables = await queryTestDatabase<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`,
    [schema],
  );
  await queryTestDatabase(tables.map((t) => `DELETE FROM ${schema}.${t.name};`).join('\n'));
}

afterAll(async () => {
  for (const schema of created) await dropSchema(schema);
});

describeStoreContracts({
  name: 'postgres',
  async open() {
    const reused = free.pop();
    if (reused !== undefined) await emptySchema(reused);
    const schema = reused ?? uniqueSchema('contract');
    if (reused === undefined) created.push(schema);
    return openTestPostgresStore(schema);
  },
  async dispose(store) {
    free.push((store as PostgresStore).schema);
  },
});
