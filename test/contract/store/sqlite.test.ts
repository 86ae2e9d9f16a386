import { openSqliteStore } from '../../../src/adapters/store/sqlite/index.js';
import { tempSqliteFile } from '../../helpers/temp-sqlite.js';
import { describeStoreContracts } from './index.js';

const cleanups = new WeakMap<object, () => void>();

describeStoreContracts({
  name: 'sqlite',
  async open() {
    const temp = tempSqliteFile();
    const store = await openSqliteStore({ sqliteFile: temp.file });
    cleanups.set(store, temp.cleanup);
    return store;
  },
  async dispose(store) {
    cleanups.get(store)?.();
  },
});
