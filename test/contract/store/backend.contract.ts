import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/ports/store.js';
import { flight } from './fixtures.js';
import { type StoreBackendTarget, useFreshBackend } from './target.js';

/** StoreBackend (ports/store-backend.ts): migrate, ping and close of the backend as a whole. */
export function describeStoreBackendLifecycleContract(target: StoreBackendTarget): void {
  describe(`StoreBackend lifecycle contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);

    it('names itself as STORE does', () => {
      expect(['sqlite', 'postgres', 'dynamodb']).toContain(backend().name);
    });

    it('migrate again (and concurrently) is safe and keeps the data', async () => {
      await backend().inventory.putFlights([flight('F1')]);
      await backend().migrate();
      await Promise.all([backend().migrate(), backend().migrate()]);
      expect((await backend().inventory.getFlights(['F1'])).map((f) => f.id)).toEqual(['F1']);
    });

    it('ping resolves while the store is up', async () => {
      await expect(backend().ping()).resolves.toBeUndefined();
    });

    it('close never rejects, even twice; afterwards ping and the ports reject with StoreUnavailableError', async () => {
      const b = backend();
      await b.close();
      await expect(b.close()).resolves.toBeUndefined();
      await expect(b.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(b.inventory.getFlights(['F1'])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(b.apiKeys.findById('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(b.issuerKeys.load()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(b.outbox.claim('relay', 1, 1_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
}
