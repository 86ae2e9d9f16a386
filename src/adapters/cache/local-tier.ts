/**
 * The bounded in-process tier shared by the memory and redis backends: bentocache's memory driver
 * over an lru-cache we build ourselves, so it can be bounded by entry count *and* approximate bytes
 * while still keeping values as live objects.
 *
 * bentocache can only bound bytes when it stores serialised strings, and then every hit pays a
 * JSON.parse of the whole search result. Keeping objects and measuring each one once, when it is
 * written (a miss, which is already paying for an origin search), keeps hits allocation-free.
 */

import { MemoryDriver } from 'bentocache/drivers/memory';
import type { CreateDriverResult, L1CacheDriver } from 'bentocache/types';
import { LRUCache } from 'lru-cache';
import type { CacheStats } from '../../ports/cache.js';

export interface LocalTierOptions {
  /** Most entries kept in process. */
  maxEntries: number;
  /** Most approximate bytes kept in process; a single value larger than this is not kept. */
  maxBytes: number;
}

export interface LocalTier {
  /** The driver to hand to `bentostore().useL1Layer`. */
  driver: CreateDriverResult<L1CacheDriver>;
  /** Current size of the tier. */
  stats(): CacheStats;
}

/** Deeper than this a value is taken for a cycle (JSON cannot encode it) rather than walked further. */
const MAX_DEPTH = 64;

/**
 * Approximate size in bytes of a JSON-serialisable value: the length of its JSON form, at least 1,
 * estimated by walking the value (strings without their escapes, non-integers as 8 characters).
 * Measuring with JSON.stringify built a copy of every search result as a string on the event loop at
 * each miss, several hundred KB for a large one, only to read its length; the walk allocates nothing.
 */
export function approximateBytes(value: unknown): number {
  try {
    return Math.max(1, jsonLength(value, 0));
  } catch {
    // A value JSON cannot encode (a cycle) is refused by the remote tier anyway; count it as huge so
    // the LRU does not keep it either.
    return Number.MAX_SAFE_INTEGER;
  }
}

function jsonLength(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return Number.isSafeInteger(value) ? digits(value) : 8;
    case 'boolean':
      return value ? 4 : 5;
    case 'bigint':
      throw new TypeError('JSON cannot encode a bigint');
    case 'object': {
      if (value === null) return 4;
      if (depth > MAX_DEPTH) throw new RangeError('value too deep for JSON (a cycle?)');
      if (Array.isArray(value)) {
        let length = 1 + Math.max(1, value.length);
        for (const item of value) length += item === undefined ? 4 : jsonLength(item, depth + 1);
        return length;
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return jsonLength(toJSON.call(value), depth + 1);
      // Braces, and per field its quoted key, a colon and a comma (one comma too many, given back).
      let length = 1;
      // for…in allocates no key array; plain data has no inherited enumerable keys to skip.
      for (const key in value) {
        const field = (value as Record<string, unknown>)[key];
        if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
        length += key.length + 4 + jsonLength(field, depth + 1);
      }
      return length === 1 ? 2 : length;
    }
    default:
      // undefined, functions and symbols: JSON leaves them out.
      return 0;
  }
}

function digits(integer: number): number {
  const magnitude = Math.abs(integer);
  return (integer < 0 ? 1 : 0) + (magnitude < 10 ? 1 : Math.floor(Math.log10(magnitude)) + 1);
}

/**
 * bentocache's memory driver, keeping every entry as an object. With `serialize: false` bentocache
 * still writes an entry it promotes from L2 (or re-writes after a failed refresh) as a JSON string,
 * which its own L1 reads then cannot decode (bentocache 1.6.1); parsing such strings here keeps L1
 * uniform. It costs one extra parse per L2 hit, never on an L1 hit.
 */
class ObjectMemoryDriver extends MemoryDriver {
  override set(key: string, value: string, ttl?: number): boolean {
    return super.set(key, typeof value === 'string' ? JSON.parse(value) : value, ttl);
  }
}

/** Builds an empty bounded tier. */
export function createLocalTier(options: LocalTierOptions): LocalTier {
  const lru = new LRUCache<string, object>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    maxEntrySize: options.maxBytes,
    sizeCalculation: (item) => Math.min(approximateBytes(item), options.maxBytes + 1),
    // bentocache checks logical expiry itself; physical expiry only has to free memory.
    ttlAutopurge: false,
  });
  const driver: CreateDriverResult<L1CacheDriver> = {
    // `serialize: false` tells bentocache to hand us objects, not JSON strings.
    options: { serialize: false },
    factory: (config: object) =>
      // The driver's type says strings because bentocache assumes serialised L1 values; with
      // `serialize: false` it stores the raw item objects we size above.
      new ObjectMemoryDriver({ ...config, cacheInstance: lru as unknown as LRUCache<string, string> }),
  };
  return { driver, stats: () => ({ entries: lru.size, bytes: lru.calculatedSize }) };
}
