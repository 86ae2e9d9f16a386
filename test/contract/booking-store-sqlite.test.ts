import { SqliteBookingStore } from '../../src/adapters/store/sqlite/booking-store.js';
import { SqliteInventoryStore } from '../../src/adapters/store/sqlite/inventory-store.js';
import { openEventStores } from '../helpers/event-stores.js';
import { describeBookingStoreContract } from './booking-store.contract.js';

describeBookingStoreContract('sqlite', async () => {
  const stores = openEventStores();
  return {
    bookings: new SqliteBookingStore(stores.db, stores.outbox),
    inventory: new SqliteInventoryStore(stores.db),
    pendingEvents: () => stores.outbox.pendingRecords().map((r) => r.event),
    cleanup: async () => stores.cleanup(),
  };
});
