import type pg from 'pg';
import { withClient } from './connection.js';
import { migrations } from './migrations/index.js';

/**
 * Brings `schema` up to date. A session-level advisory lock (keyed by the schema) serialises
 * processes starting at once: the first applies what is missing, the others wait, then find every
 * migration recorded and do nothing. Each migration commits with its row in schema_migrations.
 */
export function migrateSchema(pool: pg.Pool, schema: string): Promise<void> {
  const lockKey = `travel-platform:${schema}`;
  return withClient(pool, async (client, broken) => {
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at bigint NOT NULL)',
        );
        const applied = new Set(
          (await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id),
        );
        for (const migration of migrations) {
          if (applied.has(migration.id)) continue;
          await client.query('BEGIN');
          try {
            // Losing this commit in a crash loses its schema_migrations row with it: the next start reapplies it.
            await client.query('SET LOCAL synchronous_commit = off');
            await client.query(migration.sql);
            await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [
              migration.id,
              Date.now(),
            ]);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => {});
            throw error;
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
      }
    } catch (error) {
      // A session that failed mid-way may still hold the lock; destroying it frees the lock for sure.
      broken(error);
      throw error;
    }
  });
}
