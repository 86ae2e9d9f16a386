import { describe, expect, it } from 'vitest';
import type { RollupRecord } from '../../../src/ports/analytics-store.js';
import { StoreUnavailableError } from '../../../src/ports/store.js';
import { type StoreBackendTarget, useFreshBackend } from './target.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);

const record = (id: string, bucket: number, payload = `{"n":"${id}"}`): RollupRecord => ({
  id,
  granularity: 'minute',
  bucket,
  payload,
});

/** AnalyticsStore (ports/analytics-store.ts): rollup records by granularity and bucket. */
export function describeAnalyticsStoreContract(target: StoreBackendTarget): void {
  describe(`AnalyticsStore contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const analytics = () => backend().analytics;

    it('list returns the records of one granularity with bucket in [from, to), by bucket then id', async () => {
      await analytics().put([
        record('b', T0 + MINUTE),
        record('a', T0 + MINUTE),
        record('c', T0),
        record('late', T0 + 2 * MINUTE),
        { id: 'h', granularity: 'hour', bucket: T0, payload: '{}' },
      ]);
      const listed = await analytics().list('minute', T0, T0 + 2 * MINUTE);
      expect(listed.map((r) => r.id)).toEqual(['c', 'a', 'b']);
      expect(listed[0]).toEqual(record('c', T0));
      expect((await analytics().list('hour', T0, T0 + HOUR)).map((r) => r.id)).toEqual(['h']);
      expect(await analytics().list('minute', T0 + HOUR, T0 + 2 * HOUR)).toEqual([]);
    });

    it('put replaces a record with the same id; a large payload survives whole', async () => {
      const large = 'x'.repeat(50_000);
      await analytics().put([record('r', T0, 'first')]);
      await analytics().put([record('r', T0, large)]);
      const listed = await analytics().list('minute', T0, T0 + MINUTE);
      expect(listed).toEqual([record('r', T0, large)]);
    });

    it('put of an empty list is a no-op', async () => {
      await analytics().put([]);
      expect(await analytics().list('minute', T0 - HOUR, T0 + HOUR)).toEqual([]);
    });

    it('list spans days and months (minute and hour records across UTC midnight and a month end)', async () => {
      const lateJan = Date.UTC(2030, 0, 31, 23, 59);
      await analytics().put([
        record('jan', lateJan),
        record('feb', lateJan + 2 * MINUTE),
        { id: 'hj', granularity: 'hour', bucket: Date.UTC(2030, 0, 31, 23), payload: '{}' },
        { id: 'hf', granularity: 'hour', bucket: Date.UTC(2030, 1, 1, 0), payload: '{}' },
      ]);
      expect((await analytics().list('minute', lateJan - HOUR, lateJan + HOUR)).map((r) => r.id)).toEqual([
        'jan',
        'feb',
      ]);
      expect(
        (await analytics().list('hour', lateJan - 2 * HOUR, lateJan + 2 * HOUR)).map((r) => r.id),
      ).toEqual(['hj', 'hf']);
    });

    it('remove deletes the named records and ignores unknown ones', async () => {
      await analytics().put([record('a', T0), record('b', T0)]);
      await analytics().remove([record('a', T0), record('unknown', T0 + MINUTE)]);
      expect((await analytics().list('minute', T0, T0 + MINUTE)).map((r) => r.id)).toEqual(['b']);
    });

    it('removeRange deletes only the buckets of that granularity in [from, to) and counts them', async () => {
      await analytics().put([
        record('before', T0 - 2 * 86_400_000),
        record('old1', T0),
        record('old2', T0 + MINUTE),
        record('new', T0 + HOUR),
        { id: 'h', granularity: 'hour', bucket: T0, payload: '{}' },
      ]);
      expect(await analytics().removeRange('minute', T0 - 86_400_000, T0 + HOUR)).toBe(2);
      const left = await analytics().list('minute', T0 - 3 * 86_400_000, T0 + 2 * HOUR);
      expect(left.map((r) => r.id)).toEqual(['before', 'new']);
      expect((await analytics().list('hour', T0 - HOUR, T0 + HOUR)).map((r) => r.id)).toEqual(['h']);
    });

    it('rejects with StoreUnavailableError once the backend is closed', async () => {
      const b = backend();
      await b.close();
      await expect(b.analytics.list('minute', 0, 1)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(b.analytics.put([record('a', T0)])).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
}
