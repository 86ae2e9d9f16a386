import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore, type PostgresStore } from '../../src/adapters/store/postgres/index.js';
import type { Clock } from '../../src/ports/clock.js';
import { TcpProxy } from './tcp-proxy.js';

/** The PostgreSQL the tests use (`.ci/run` starts it when it is down): trust auth, database `test`. */
export const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A TcpProxy in front of the test PostgreSQL (to reset, cut and restore its connections), and the
 * URL that reaches the server through it.
 */
export async function postgresBehindProxy(): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(postgresUrl);
  const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(postgresUrl);
  viaProxy.port = String(proxy.port);
  return { proxy, url: viaProxy.toString() };
}

/** A schema name no other test run uses. */
export function uniqueSchema(label: string): string {
  return `t_${label}_${randomBytes(6).toString('hex')}`;
}

/** Environment of an API process on PostgreSQL in `schema`. */
export function postgresEnv(schema: string, url: string = postgresUrl): Record<string, string> {
  // A small pool: many test processes share the server's max_connections.
  return { STORE: 'postgres', DATABASE_URL: url, PG_SCHEMA: schema, PG_POOL_SIZE: '5' };
}

/** Opens the PostgreSQL backend on a schema of its own (not yet migrated). */
export function openTestPostgresStore(
  schema: string,
  options: { url?: string; clock?: Clock; poolSize?: number; statementTimeoutMs?: number } = {},
): Promise<PostgresStore> {
  return openPostgresStore(
    {
      databaseUrl: options.url ?? postgresUrl,
      pgSchema: schema,
      pgPoolSize: options.poolSize ?? 5,
      pgStatementTimeoutMs: options.statementTimeoutMs ?? 5000,
      pgConnectTimeoutMs: 2000,
    },
    options.clock,
  );
}

/** Runs one statement on the test database outside any store (setup, inspection, cleanup). */
export async function queryTestDatabase<R extends pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Drops a schema a test created, with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  if (!/^t_[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop ${schema}: not a test schema`);
  await queryTestDatabase(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
