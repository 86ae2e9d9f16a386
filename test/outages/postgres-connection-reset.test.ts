import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, guarded, inTransaction } from '../../src/adapters/store/postgres/connection.js';
import { migrateSchema } from '../../src/adapters/store/postgres/migrate.js';
import { StoreUnavailableError } from '../../src/ports/store.js';
import { dropSchema, postgresBehindProxy, postgresUrl, uniqueSchema } from '../helpers/postgres.js';
import type { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A connection reset (a failover, a pgbouncer restart) while a pooled client is checked out. pg-pool
 * listens for a client's 'error' only while the client is idle in the pool, so a checked-out client
 * without a listener of its own would raise an unhandled 'error' and end the process — here, the test
 * run. The unit of work fails with StoreUnavailableError, and the pool serves again.
 */
describe('PostgreSQL connection reset while a client is checked out', () => {
  const schema = uniqueSchema('reset');
  let proxy: TcpProxy;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    const proxied = await postgresBehindProxy();
    proxy = proxied.proxy;
    pool = createPool({
      url: proxied.url,
      schema,
      poolSize: 3,
      statementTimeoutMs: 5000,
      connectTimeoutMs: 1000,
    });
    await migrateSchema(pool, schema);
  });
  afterAll(async () => {
    await pool?.end();
    await proxy?.close();
    await dropSchema(schema);
  });

  const transaction = (work: Parameters<typeof inTransaction>[1]) =>
    guarded('run a transaction', () => inTransaction(pool, work));

  it('fails the transaction a query of which was running, and the pool serves again', async () => {
    const running = transaction((client) => client.query('SELECT pg_sleep(2)'));
    await waitFor('the query to reach the server', () => pool.totalCount > 0 && pool.idleCount === 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(proxy.reset()).toBeGreaterThan(0);
    await expect(running).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });

  it('fails the transaction whose client broke between two queries, and destroys that client', async () => {
    let resetDone: () => void = () => {};
    const reset = new Promise<void>((resolve) => {
      resetDone = resolve;
    });
    const running = transaction(async (client) => {
      await client.query('SELECT 1');
      proxy.reset();
      // The socket's end reaches the client a moment later, while no query of it runs.
      await new Promise((resolve) => setTimeout(resolve, 200));
      resetDone();
      return client.query('SELECT 2');
    });
    await reset;
    await expect(running).rejects.toBeInstanceOf(StoreUnavailableError);
    await waitFor('the broken client to leave the pool', () => pool.totalCount === pool.idleCount);
    expect((await pool.query<{ two: number }>('SELECT 2 AS two')).rows[0]?.two).toBe(2);
  });

  it('fails a migration whose connection is reset, and the next one succeeds', async () => {
    // Another session holds the migration lock, so the migration waits on it when the reset comes.
    const holder = new pg.Client({ connectionString: postgresUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`travel-platform:${schema}`]);
      const migrating = guarded('migrate', () => migrateSchema(pool, schema));
      await waitFor('the migration to wait on the lock', () => pool.idleCount < pool.totalCount);
      await new Promise((resolve) => setTimeout(resolve, 100));
      proxy.reset();
      await expect(migrating).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await holder.end();
    }
    await migrateSchema(pool, schema);
  });
});
