import pg from 'pg';
import type { CloudEvent } from '../../../ports/events.js';
import { StoreUnavailableError } from '../../../ports/store.js';

/** How to reach PostgreSQL and how long to wait for it. */
export interface PostgresConnectionOptions {
  /** libpq connection URL, e.g. postgres://127.0.0.1:5432/travel. */
  url: string;
  /** Schema holding every table; created by `migrate()` when missing. */
  schema: string;
  /** Most connections the pool opens. */
  poolSize: number;
  /** A statement running longer is cancelled by the server, and by the client if the server is unreachable. */
  statementTimeoutMs: number;
  /** Opening a connection taking longer fails, so a request never waits on an unreachable server. */
  connectTimeoutMs: number;
}

/** What every PostgreSQL adapter runs its SQL through: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** int8 (bigint: epoch ms, outbox seq, counts) as a JS number; every value the store keeps is < 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as never,
};

/** A schema name safe to splice into SQL and a LISTEN channel: lower-case letters, digits and `_`. */
export function isSchemaName(name: string): boolean {
  return /^[a-z_][a-z0-9_]{0,47}$/.test(name);
}

/** Settings every client of the store gets, pool or listener. */
export function clientConfig(options: PostgresConnectionOptions): pg.ClientConfig {
  if (!isSchemaName(options.schema)) throw new Error(`invalid PostgreSQL schema name ${options.schema}`);
  return {
    connectionString: options.url,
    types,
    // Tables are unqualified in SQL; the search path points them at the configured schema.
    options: `-c search_path=${options.schema} -c idle_in_transaction_session_timeout=${Math.max(
      1000,
      options.statementTimeoutMs * 2,
    )}`,
    statement_timeout: options.statementTimeoutMs,
    // The client-side bound also covers a server that vanished without closing the socket.
    query_timeout: options.statementTimeoutMs + 1000,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Probes an idle connection after 10 s, so one to a host that vanished (no RST) is eventually dropped.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'travel-platform',
  };
}

/**
 * The pool every adapter of one backend shares; idle connections that die are dropped, not fatal.
 *
 * pg-pool applies one `connectionTimeoutMillis` both to opening a connection and to waiting for a
 * free one. Those differ: a server that does not answer the handshake within PG_CONNECT_TIMEOUT_MS
 * is down, while a burst may queue for a pooled connection as long as a statement may run. So the
 * clients carry the connect timeout and the pool the (longer) wait.
 */
export function createPool(options: PostgresConnectionOptions): pg.Pool {
  const config = clientConfig(options);
  class BoundedConnectClient extends pg.Client {
    constructor(poolConfig: pg.ClientConfig = {}) {
      super({ ...poolConfig, connectionTimeoutMillis: options.connectTimeoutMs });
    }
  }
  const pool = new pg.Pool({
    ...config,
    Client: BoundedConnectClient,
    connectionTimeoutMillis: Math.max(options.connectTimeoutMs, options.statementTimeoutMs),
    max: options.poolSize,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away emits here; the pool discards it and the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/**
 * Appends events to the outbox inside the caller's transaction, so they commit with the change they
 * describe (index.ts binds it to the backend's schema and clock, as outbox.ts appends them).
 */
export type AppendEvents = (client: Queryable, events: readonly CloudEvent[]) => Promise<void>;

/** What to do once the transaction a client is in commits (never on rollback), per open transaction. */
const committed = new WeakMap<Queryable, (() => void)[]>();

/**
 * Runs `action` once the transaction `client` is in has committed; outside `inTransaction`, where
 * each statement commits by itself, at once.
 */
export function afterCommit(client: Queryable, action: () => void): void {
  const actions = committed.get(client);
  if (actions === undefined) action();
  else actions.push(action);
}

/**
 * Runs `work` on one client checked out of `pool`, then returns it — or destroys it when its
 * connection broke meanwhile, or when `work` called `broken`.
 *
 * pg-pool listens for a client's 'error' only while the client is idle in the pool; a checked-out
 * client has no listener, so a connection reset (a failover, a pgbouncer or load-balancer restart, a
 * healed partition) would raise an unhandled 'error' and end the process. The listener attached here
 * for the checkout's lifetime records the error instead: a query running then rejects with it (so
 * `guarded` answers StoreUnavailableError, a 503), and the next query on the dead client rejects too.
 */
export async function withClient<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient, broken: (error: unknown) => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let brokenBy: Error | undefined;
  const broken = (error: unknown): void => {
    brokenBy ??= error instanceof Error ? error : new Error(String(error));
  };
  client.on('error', broken);
  try {
    return await work(client, broken);
  } finally {
    client.removeListener('error', broken);
    client.release(brokenBy);
  }
}

/**
 * Runs `work` in one transaction on one pooled client: COMMIT when it resolves, ROLLBACK when it
 * rejects (its error passes through), then the transaction's `afterCommit` actions if it committed.
 * A client whose connection broke is destroyed rather than reused.
 */
export function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client, broken) => {
    const actions: (() => void)[] = [];
    try {
      await client.query('BEGIN');
      committed.set(client, actions);
      const result = await work(client);
      await client.query('COMMIT');
      committed.delete(client);
      for (const action of actions) action();
      return result;
    } catch (error) {
      committed.delete(client);
      await client.query('ROLLBACK').catch(broken);
      throw error;
    }
  });
}

/**
 * `inTransaction` for bulk inventory loads (seeding, imports): the commit does not wait for the WAL
 * flush, so thousands of small loads do not each pay a disk sync. A crash may lose the last few
 * hundred milliseconds of a load — which is rerun — but never leaves a half-written one; bookings
 * and inventory updates keep synchronous commits.
 */
export function inBulkTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SET LOCAL synchronous_commit = off');
    return work(client);
  });
}

/** Error classes a port defines for its callers; everything else from the driver means "store unavailable". */
export type PortErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs one store operation, letting the port's own errors through and turning any driver or network
 * error into StoreUnavailableError (with it as `cause`).
 */
export async function guarded<T>(
  action: string,
  work: () => Promise<T>,
  portErrors: readonly PortErrorClass[] = [],
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (portErrors.some((errorClass) => error instanceof errorClass)) throw error;
    throw new StoreUnavailableError(`cannot ${action}`, { cause: error });
  }
}

/** SQLSTATE of a driver error, when it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** 23505: a UNIQUE or PRIMARY KEY constraint refused the row. */
export const UNIQUE_VIOLATION = '23505';
