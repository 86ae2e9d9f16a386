import { describe, expect, it } from 'vitest';
import { type StoreBackendTarget, sleep, useFreshBackend } from './target.js';

/** ProcessedEvents (ports/processed-events.ts): per-consumer marks of handled event ids. */
export function describeProcessedEventsContract(target: StoreBackendTarget): void {
  describe(`ProcessedEvents contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const processed = () => backend().processedEvents;

    it('has is false until marked, per consumer; marking twice is a no-op', async () => {
      expect(await processed().has('c1', 'e1')).toBe(false);
      await processed().mark('c1', 'e1');
      await processed().mark('c1', 'e1');
      expect(await processed().has('c1', 'e1')).toBe(true);
      expect(await processed().has('c2', 'e1')).toBe(false);
      expect(await processed().has('c1', 'e2')).toBe(false);
    });

    it('concurrent marks of one event by one consumer all resolve', async () => {
      await Promise.all(Array.from({ length: 10 }, () => processed().mark('c1', 'same')));
      expect(await processed().has('c1', 'same')).toBe(true);
    });

    it('prune forgets marks made before `before` and counts them', async () => {
      await processed().mark('c1', 'old-1');
      await processed().mark('c2', 'old-2');
      await sleep(20);
      const cut = Date.now();
      await sleep(20);
      await processed().mark('c1', 'new');
      expect(await processed().prune(cut - 60_000)).toBe(0);
      expect(await processed().prune(cut)).toBe(2);
      expect(await processed().has('c1', 'old-1')).toBe(false);
      expect(await processed().has('c1', 'new')).toBe(true);
    });
  });
}
