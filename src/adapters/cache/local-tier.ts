/**
 * The bounded in-process tier shared by the memory and redis backends: bentocache's memory driver
 * over an lru-cache we build ourselves, so it can be bounded by entry count *and* approximate bytes
 * while still keeping values as live objects.
 *
 * bentocache can only bound bytes when it stores serialised strings, and then every hit pays a
 * JSON.parse of the whole search result. Keeping objects and measuring each one once, when it is
 * written (a miss, which is already paying for an origin search), keeps hits allocation-free.
 */

import { getHeapStatistics } from 'node:v8';
import { MemoryDriver } from 'bentocache/drivers/memory';
import type { CreateDriverResult, L1CacheDriver } from 'bentocache/types';
import { LRUCache } from 'lru-cache';
import type { CacheStats } from '../../ports/cache.js';

export interface LocalTierOptions {
  /** Most entries kept in process. */
  maxEntries: number;
  /** Told the cache key of each entry the tier pushes out or lets expire (not of ones deleted or replaced). */
  onDrop?: (key: string) => void;
  /** Bytes held elsewhere for as long as the tier holds the key (its tag index records), charged to it. */
  bytesBeside?: (key: string) => number;
  /**
   * Most bytes (estimated heap, see `approximateBytes`) kept in process; a larger value is not kept.
   * 0: `HEAP_SHARE` of this process's V8 heap limit.
   */
  maxBytes: number;
}

export interface LocalTier {
  /** The driver to hand to `bentostore().useL1Layer`. */
  driver: CreateDriverResult<L1CacheDriver>;
  /** Current size of the tier. */
  stats(): CacheStats;
  /** Drops expired entries, then least recently used ones until at most `share` of `maxBytes` is held. */
  shrink(share: number): void;
  /** Stops the expiry timer. */
  close(): void;
}

/** Deeper than this a value is taken for a cycle (JSON cannot encode it) rather than walked further. */
const MAX_DEPTH = 64;

/*
 * What V8 spends on the heap for JSON-like data on a 64-bit build without pointer compression (how
 * Node is built): 8-byte words, objects and arrays with a header of a few words plus a word per
 * field or element, strings with a 16-byte header and a byte per (Latin-1) character, numbers that
 * are not small integers boxed in 16 bytes. The length of the JSON form, which this tier counted
 * before, was under half the heap a cached search result really held (50 KB of JSON, 106 KB of
 * heap per search; test/search/cache-heap.test.ts measures the estimate against the heap).
 */
const WORD = 8;
/** map, properties, elements. */
const OBJECT_HEADER = 3 * WORD;
/** map, properties, elements, length; plus the elements' FixedArray header (map, length). */
const ARRAY_HEADER = 4 * WORD + 2 * WORD;
/** map, hash and length of a sequential string. */
const STRING_HEADER = 16;
/** A double (or an integer beyond 31 bits) boxed as a HeapNumber. */
const HEAP_NUMBER = 16;
/**
 * Objects built by code rather than parsed from JSON hold more than the layout above (properties
 * added after construction go to a separate property array, arrays grown by push keep spare
 * capacity): 11–17% more for search results built by the search engine, measured, and 0% for the
 * same results parsed from JSON (a promotion from Redis). The estimate is raised halfway.
 */
const BUILT_BY_CODE = 1.08;
/** Per entry, what the LRU and bentocache keep beside the value: key string, map slot, links, item wrapper. */
const ENTRY_OVERHEAD = 256;

const aligned = (bytes: number): number => Math.ceil(bytes / WORD) * WORD;

/**
 * Approximate bytes `value` holds on the V8 heap, at least 1, estimated by walking it (see the
 * constants above). It allocates nothing, so it may run on every write. A value JSON cannot encode
 * (a cycle, a bigint) counts as huge, so the tier does not keep it.
 */
export function approximateBytes(value: unknown): number {
  try {
    return Math.max(1, Math.round(heapLength(value, 0) * BUILT_BY_CODE));
  } catch {
    // The remote tier refuses such a value anyway; count it as huge so the LRU does not keep it either.
    return Number.MAX_SAFE_INTEGER;
  }
}

function heapLength(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return aligned(STRING_HEADER + value.length);
    case 'number':
      // Small integers live in the pointer itself.
      return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? 0 : HEAP_NUMBER;
    case 'bigint':
      throw new TypeError('JSON cannot encode a bigint');
    case 'object': {
      if (value === null) return 0;
      if (depth > MAX_DEPTH) throw new RangeError('value too deep for JSON (a cycle?)');
      if (Array.isArray(value)) {
        let bytes = ARRAY_HEADER + WORD * value.length;
        for (const item of value) bytes += heapLength(item, depth + 1);
        return bytes;
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      // A Date (or another value with toJSON) is an object of its own; its JSON form is what survives.
      if (typeof toJSON === 'function') return OBJECT_HEADER + heapLength(toJSON.call(value), depth + 1);
      let bytes = OBJECT_HEADER;
      // for…in allocates no key array; plain data has no inherited enumerable keys to skip. Keys cost
      // nothing per object: V8 keeps them once, in the object's hidden class.
      for (const key in value) bytes += WORD + heapLength((value as Record<string, unknown>)[key], depth + 1);
      return bytes;
    }
    default:
      // booleans, undefined: constants the object only points to; functions and symbols: not JSON.
      return 0;
  }
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

  /** The cache key of an entry of the LRU (bentocache prefixes the keys it stores). */
  cacheKeyOf(itemKey: string): string {
    return this.prefix && itemKey.startsWith(`${this.prefix}:`)
      ? itemKey.slice(this.prefix.length + 1)
      : itemKey;
  }
}

/** How often entries past their physical expiry are dropped, whether or not anything reads the tier. */
const PURGE_EVERY_MS = 30_000;

/**
 * The tier's share of the heap limit by default. The rest is the process itself (~100 MB), what each
 * cached search also holds outside the tier (its pages' bytes, learned URLs, tags: bounded by count)
 * and the garbage V8 lets build up between collections; so the cache alone stays far below the
 * load-shedding bound (90% of the heap by default).
 */
export const HEAP_SHARE = 0.4;

/** The tier's byte budget: `maxBytes`, or when 0 its share of this process's heap limit. */
export function localTierBudget(maxBytes: number): number {
  return maxBytes > 0 ? maxBytes : Math.floor(getHeapStatistics().heap_size_limit * HEAP_SHARE);
}

/** Builds an empty bounded tier. */
export function createLocalTier(tier: LocalTierOptions): LocalTier {
  const options = { ...tier, maxBytes: localTierBudget(tier.maxBytes) };
  const { onDrop, bytesBeside } = tier;
  // Set when bentocache builds the driver, before it stores anything.
  let driverOf: ObjectMemoryDriver | undefined;
  const lru = new LRUCache<string, object>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    maxEntrySize: options.maxBytes,
    sizeCalculation: (item, itemKey) =>
      Math.min(
        approximateBytes(item) +
          ENTRY_OVERHEAD +
          itemKey.length +
          (bytesBeside?.(driverOf?.cacheKeyOf(itemKey) ?? itemKey) ?? 0),
        options.maxBytes + 1,
      ),
    // bentocache checks logical expiry itself; physical expiry only has to free memory, which the
    // purge below does on a timer: lru-cache drops expired entries only when they are read or pushed
    // out, and a server shedding load reads and writes nothing.
    ttlAutopurge: false,
    ...(onDrop
      ? {
          dispose: (_item: object, itemKey: string, reason: LRUCache.DisposeReason) => {
            if (reason === 'evict' || reason === 'expire') onDrop(driverOf?.cacheKeyOf(itemKey) ?? itemKey);
          },
        }
      : {}),
  });
  const purge = setInterval(() => lru.purgeStale(), PURGE_EVERY_MS);
  purge.unref();
  const driver: CreateDriverResult<L1CacheDriver> = {
    // `serialize: false` tells bentocache to hand us objects, not JSON strings.
    options: { serialize: false },
    factory: (config: object) => {
      // The driver's type says strings because bentocache assumes serialised L1 values; with
      // `serialize: false` it stores the raw item objects we size above.
      driverOf = new ObjectMemoryDriver({
        ...config,
        cacheInstance: lru as unknown as LRUCache<string, string>,
      });
      return driverOf;
    },
  };
  return {
    driver,
    stats: () => ({ entries: lru.size, bytes: lru.calculatedSize }),
    shrink(share) {
      lru.purgeStale();
      const target = options.maxBytes * Math.min(1, Math.max(0, share));
      while (lru.size > 0 && lru.calculatedSize > target) lru.pop();
    },
    close: () => clearInterval(purge),
  };
}
