/**
 * Chooses the store backend from configuration. Each backend lives in its own folder and is loaded
 * with a dynamic import only when chosen, so the embedded default never loads a PostgreSQL driver or
 * the AWS SDK, and no backend's files import another's.
 */
import type { Config } from '../../config.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { StoreBackend } from '../../ports/store-backend.js';

/** The slice of Config the store factory reads; each backend adds the options it needs. */
export type StoreConfig = Pick<
  Config,
  | 'storeBackend'
  | 'sqliteFile'
  | 'dynamodbTable'
  | 'dynamodbEndpoint'
  | 'dynamodbCreateTable'
  | 'dynamodbBookingWrites'
  | 'databaseUrl'
  | 'pgSchema'
  | 'pgPoolSize'
  | 'pgStatementTimeoutMs'
  | 'pgConnectTimeoutMs'
  | 'dynamodbTable'
  | 'dynamodbEndpoint'
  | 'dynamodbCreateTable'
  | 'dynamodbBookingWrites'
>;

/**
 * Opens the configured backend, not yet migrated: the caller runs `migrate()` at start. Rejects with
 * StoreUnavailableError when the store cannot be reached.
 */
export async function createStore(config: StoreConfig, clock: Clock = systemClock): Promise<StoreBackend> {
  switch (config.storeBackend) {
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite/index.js');
      return openSqliteStore(config, clock);
    }
    case 'postgres': {
      const { openPostgresStore } = await import('./postgres/index.js');
      return openPostgresStore(config, clock);
    }
    case 'dynamodb': {
      const { openDynamoDbStore } = await import('./dynamodb/index.js');
      return openDynamoDbStore(config, clock);
    }
  }
}
