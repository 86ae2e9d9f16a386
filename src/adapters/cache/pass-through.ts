/**
 * The `none` backend: keeps nothing, so every `getOrSet` runs its factory and says MISS. It is the
 * benchmark's no-cache baseline and a switch for ruling the cache out when debugging.
 */
import type {
  Cache,
  CacheEntry,
  CacheFactoryContext,
  CacheResult,
  CacheSetOptions,
} from '../../ports/cache.js';

export class PassThroughCache implements Cache {
  /** Always undefined: nothing is kept. */
  async get<T>(_key: string): Promise<CacheEntry<T> | undefined> {
    return undefined;
  }

  /** Does nothing. */
  async set<T>(_key: string, _value: T, _options: CacheSetOptions): Promise<void> {}

  /** Always the factory's result with outcome MISS; its error is rethrown (there is never a stale entry). */
  async getOrSet<T>(
    _key: string,
    factory: (context: CacheFactoryContext) => Promise<T>,
    options: CacheSetOptions,
  ): Promise<CacheResult<T>> {
    const value = await factory({ setTags: () => {} });
    const storedAt = Date.now();
    return { entry: { value, storedAt, expiresAt: storedAt + options.ttlMs, stale: false }, outcome: 'MISS' };
  }

  /** Does nothing. */
  async invalidateTags(_tags: readonly string[]): Promise<void> {}

  /** Does nothing. */
  async delete(_key: string): Promise<void> {}

  /** Always 'ok'. */
  async health(): Promise<'ok' | 'degraded'> {
    return 'ok';
  }

  /** Always empty. */
  stats(): { entries: number; bytes: number } {
    return { entries: 0, bytes: 0 };
  }

  async close(): Promise<void> {}
}
