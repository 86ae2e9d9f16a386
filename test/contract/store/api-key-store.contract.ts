import { describe, expect, it } from 'vitest';
import { ApiKeyConflictError, type ApiKeyRecord } from '../../../src/ports/api-keys.js';
import { type StoreBackendTarget, useFreshBackend } from './target.js';

const key = (id: string, createdAt: number, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id,
  name: `key ${id}`,
  role: 'client',
  secretHash: 'ab'.repeat(32),
  plan: 'standard',
  overrides: {},
  createdAt,
  revokedAt: undefined,
  ...overrides,
});

const counters = (requests: number) => ({
  requests,
  searches: 1,
  clientErrors: 2,
  serverErrors: 0,
  throttled: 3,
});

/** ApiKeyStore (ports/api-keys.ts): keys by id, revocation and daily usage totals. */
export function describeApiKeyStoreContract(target: StoreBackendTarget): void {
  describe(`ApiKeyStore contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const keys = () => backend().apiKeys;

    it('create then findById returns the record as written; unknown ids are undefined', async () => {
      const admin = key('a1', 1_000, { role: 'admin', overrides: { rateLimit: 7, dailyQuota: 9 } });
      await keys().create(admin);
      expect(await keys().findById('a1')).toEqual(admin);
      expect(await keys().findById('missing')).toBeUndefined();
    });

    it('create refuses an id that exists with ApiKeyConflictError and keeps the first', async () => {
      await keys().create(key('dup', 1_000));
      await expect(keys().create(key('dup', 2_000, { name: 'second' }))).rejects.toBeInstanceOf(
        ApiKeyConflictError,
      );
      expect((await keys().findById('dup'))?.name).toBe('key dup');
    });

    it('list returns every key, oldest first, revoked ones included', async () => {
      await keys().create(key('c', 3_000));
      await keys().create(key('a', 1_000));
      await keys().create(key('b', 2_000));
      await keys().revoke('b', 5_000);
      const listed = await keys().list();
      expect(listed.map((k) => k.id)).toEqual(['a', 'b', 'c']);
      expect(listed[1]?.revokedAt).toBe(5_000);
    });

    it('revoke: true and idempotent (the first time is kept) for a known key, false for an unknown one', async () => {
      await keys().create(key('r', 1_000));
      expect(await keys().revoke('r', 5_000)).toBe(true);
      expect(await keys().revoke('r', 9_000)).toBe(true);
      expect((await keys().findById('r'))?.revokedAt).toBe(5_000);
      expect(await keys().revoke('nope', 5_000)).toBe(false);
    });

    it('recordUsage adds to the day totals; usage lists days in range, in order, without empty days', async () => {
      await keys().create(key('u', 1_000));
      await keys().recordUsage('u', '2030-01-02', counters(5));
      await keys().recordUsage('u', '2030-01-02', counters(1));
      await keys().recordUsage('u', '2030-01-01', counters(2));
      await keys().recordUsage('u', '2030-01-05', counters(1));
      await keys().recordUsage('other', '2030-01-02', counters(100));
      expect(await keys().usage('u', '2030-01-01', '2030-01-04')).toEqual([
        { day: '2030-01-01', requests: 2, searches: 1, clientErrors: 2, serverErrors: 0, throttled: 3 },
        { day: '2030-01-02', requests: 6, searches: 2, clientErrors: 4, serverErrors: 0, throttled: 6 },
      ]);
      expect(await keys().usage('u', '2030-02-01', '2030-02-28')).toEqual([]);
    });

    it('concurrent recordUsage calls lose no count', async () => {
      await Promise.all(Array.from({ length: 20 }, () => keys().recordUsage('c', '2030-01-01', counters(1))));
      expect((await keys().usage('c', '2030-01-01', '2030-01-01'))[0]?.requests).toBe(20);
    });
  });
}
