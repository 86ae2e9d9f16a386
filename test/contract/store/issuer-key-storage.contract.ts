import { describe, expect, it } from 'vitest';
import { type StoreBackendTarget, useFreshBackend } from './target.js';

/** IssuerKeyStorage (ports/issuer-keys.ts): one stored key, first writer wins. */
export function describeIssuerKeyStorageContract(target: StoreBackendTarget): void {
  describe(`IssuerKeyStorage contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const storage = () => backend().issuerKeys;

    it('load is undefined until a key is saved; saveIfAbsent keeps the first key', async () => {
      expect(await storage().load()).toBeUndefined();
      expect(await storage().saveIfAbsent('{"kid":"first"}')).toBe('{"kid":"first"}');
      expect(await storage().saveIfAbsent('{"kid":"second"}')).toBe('{"kid":"first"}');
      expect(await storage().load()).toBe('{"kid":"first"}');
    });

    it('of concurrent saveIfAbsent calls, every caller gets the one key that was stored', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => storage().saveIfAbsent(`{"kid":"k${i}"}`)),
      );
      expect(new Set(results).size).toBe(1);
      expect(await storage().load()).toBe(results[0]);
    });

    it('the key is not an inventory setting: clearing the inventory keeps it', async () => {
      await storage().saveIfAbsent('{"kid":"kept"}');
      await backend().inventory.clearInventory();
      expect(await storage().load()).toBe('{"kid":"kept"}');
    });
  });
}
