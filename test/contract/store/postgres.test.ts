import type { PostgresStore } from '../../../src/adapters/store/postgres/index.js';
import { dropSchema, openTestPostgresStore, uniqueSchema } from '../../helpers/postgres.js';
import { describeStoreContracts } from './index.js';

// Each test gets a schema of its own in the test database, dropped once its backend is closed.
describeStoreContracts({
  name: 'postgres',
  open: () => openTestPostgresStore(uniqueSchema('contract')),
  async dispose(store) {
    await dropSchema((store as PostgresStore).schema);
  },
});
