/**
 * The Cache port over a bentocache store. Owns the policy both real backends share — freshness
 * metadata, HIT/MISS/STALE, error unwrapping, in-process single-flight — so `memory.ts` and
 * `redis.ts` only say which tiers to stack.
 *
 * bentocache's `getOrSet` answers with a bare value, so each value is wrapped in a small envelope
 * carrying its own timestamps, and the outcome is read from whether *this* call's factory ran:
 *
 *   factory not called            → HIT   (fresh in L1/L2, or filled by a concurrent caller)
 *   factory called and resolved   → MISS
 *   factory called and threw      → STALE when bentocache fell back to a graced value, else rethrow
 *   not called, envelope expired  → STALE (bentocache's failure backoff keeps serving it a while)
 *
 * Timestamps come from Date.now() because bentocache keeps time with Date.now() internally.
 */
import type { BentoCache, BentoStore } from 'bentocache';
import { errors } from 'bentocache';
import type { RawCommonOptions } from 'bentocache/types';
import { LRUCache } from 'lru-cache';
import type {
  Cache,
  CacheEntry,
  CacheFactoryContext,
  CacheResult,
  CacheSetOptions,
  CacheStats,
} from '../../ports/cache.js';
import type { TagIndex } from './tag-index.js';

/** What the store keeps per key: the value and its own freshness bounds. */
interface Envelope<T> {
  v: T;
  /** Stored at (epoch ms). */
  s: number;
  /** Fresh until (epoch ms). */
  e: number;
  /** Usable as STALE until (epoch ms); equals `e` without grace. */
  g: number;
}

/** Grace given to the probe behind `get`, so that any entry still physically kept can be reported as stale. */
const PROBE_GRACE_MS = 365 * 24 * 3600 * 1000;

/**
 * After a failed refresh bentocache keeps serving the stale value this long before calling the
 * origin again, so a failing supplier is not hammered by every request.
 */
const FAILURE_BACKOFF_MS = 5_000;

/** Thrown by the probe factory behind `get` to say "nothing to compute". */
class ProbeMiss extends Error {}

export interface BentoCacheAdapterParts {
  bento: BentoCache<{ cache: BentoStore }>;
  /** Which keys carry which tag (bentocache's own tags are not used: see tag-index.ts). */
  tags: TagIndex;
  /** Size of the in-process tier; absent when nothing is kept in process (no L1, no front). */
  stats?: (() => CacheStats) | undefined;
  /** Shrinks the in-process tier (see the port's `shrink`); absent with no L1. */
  shrink?: ((share: number) => void) | undefined;
  /** Whether every tier is reachable. */
  health: () => Promise<'ok' | 'degraded'>;
  /** Extra teardown after bentocache disconnected (connections it does not own). */
  close?: () => Promise<void>;
  /**
   * Whether the last fresh answer per key is kept in process (default true). False where the
   * process may not hear a removal (a sandbox frozen between requests): every read then asks the tiers.
   */
  front?: boolean;
}

/** Keys whose last fresh answer is kept in front of bentocache. */
const FRONT_ENTRIES = 20_000;

export class BentoCacheAdapter implements Cache {
  readonly #bento: BentoCache<{ cache: BentoStore }>;
  readonly #parts: BentoCacheAdapterParts;
  /** Calls in flight per key: concurrent callers share one answer, including one error. */
  readonly #inFlight = new Map<string, Promise<CacheResult<unknown>>>();
  /**
   * The last fresh answer per key, ready to hand out: a hit served from here costs a map lookup,
   * where bentocache builds its options, takes its diagnostics channel and awaits an entry check on
   * every call. Anything that drops or replaces a key here drops it from the front too.
   */
  readonly #front = new LRUCache<string, { result: CacheResult<unknown>; freshUntil: number }>({
    max: FRONT_ENTRIES,
  });
  /**
   * Bumped before and after every removal whose keys are not all known (a tag invalidation, a bus
   * message): a read that overlapped one may have fetched what it removed, so it must not put that
   * answer in front.
   */
  #generation = 0;
  /** Keys whose read in flight overlapped a removal of that very key: the same rule, per key. */
  readonly #raced = new Set<string>();

  readonly #keepsFront: boolean;
  /** The port's `peek`: offered only when answers are kept in front. */
  readonly peek?: <T>(key: string) => CacheResult<T> | undefined;

  constructor(parts: BentoCacheAdapterParts) {
    this.#bento = parts.bento;
    this.#parts = parts;
    this.#keepsFront = parts.front ?? true;
    if (parts.stats) this.stats = parts.stats;
    const shrinkTier = parts.shrink;
    if (shrinkTier)
      this.shrink = (share) => {
        shrinkTier(share);
        // The front holds answers whose entries may just have gone; it refills from the tier.
        this.#dropFront();
      };
    if (this.#keepsFront) this.peek = (key) => this.#peekFront(key);
    // Another instance changed a key (shared tiers): its bus message drops our local copy, and the
    // front goes with it. Which key is not worth decoding: such messages follow writes elsewhere.
    this.#bento.on('bus:message:received', () => this.#dropFront());
  }

  #dropFront(keys?: readonly string[]): void {
    if (keys === undefined) {
      this.#generation += 1;
      this.#front.clear();
      return;
    }
    for (const key of keys) {
      this.#front.delete(key);
      if (this.#inFlight.has(key)) this.#raced.add(key);
    }
  }

  /** The answer in front, while it is fresh: anything that changed or dropped the key removed it. */
  #peekFront<T>(key: string): CacheResult<T> | undefined {
    const front = this.#front.get(key);
    if (front === undefined) return undefined;
    if (front.freshUntil > Date.now()) return front.result as CacheResult<T>;
    this.#front.delete(key);
    return undefined;
  }

  /** The fresh or in-grace entry, or undefined on a miss or when the store cannot answer. */
  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    // A plain bentocache `get` returns tag-invalidated entries without saying so; a getOrSet whose
    // factory refuses to compute tells fresh (factory not called) from graced (called, fell back).
    let probed = false;
    let envelope: Envelope<T>;
    try {
      envelope = await this.#bento.getOrSet<Envelope<T>>({
        key,
        factory: () => {
          probed = true;
          throw new ProbeMiss();
        },
        grace: PROBE_GRACE_MS,
        graceBackoff: 0,
        timeout: null,
      });
    } catch {
      return undefined;
    }
    const now = Date.now();
    if (envelope.g <= now) return undefined;
    return toEntry(envelope, probed || envelope.e <= now);
  }

  /** Stores the value; a remote-tier failure leaves it in the local tier only. */
  async set<T>(key: string, value: T, options: CacheSetOptions): Promise<void> {
    const stored = envelope(value, options);
    // Indexed before it is written, so an invalidation racing the write still finds the key.
    await this.#parts.tags.add(key, options.tags ?? [], stored.g - stored.s);
    this.#dropFront([key]);
    try {
      await this.#bento.set({ key, value: stored, ...entryOptions(options) });
    } finally {
      this.#dropFront([key]);
    }
  }

  /** HIT, MISS or STALE as the port describes; rethrows the factory's own error when nothing is in grace. */
  getOrSet<T>(
    key: string,
    factory: (context: CacheFactoryContext) => Promise<T>,
    options: CacheSetOptions,
  ): Promise<CacheResult<T>> {
    const inFront = this.#peekFront<T>(key);
    if (inFront !== undefined) return Promise.resolve(inFront);
    const running = this.#inFlight.get(key) as Promise<CacheResult<T>> | undefined;
    // A joiner did not cause the origin call: what it got was served by the cache, so MISS → HIT.
    if (running) return running.then((r) => (r.outcome === 'MISS' ? { ...r, outcome: 'HIT' } : r));
    const generation = this.#generation;
    const call = this.#getOrSet(key, factory, options)
      .then((result) => {
        if (
          this.#keepsFront &&
          result.outcome !== 'STALE' &&
          generation === this.#generation &&
          !this.#raced.has(key)
        ) {
          const hit = result.outcome === 'HIT' ? result : { ...result, outcome: 'HIT' as const };
          this.#front.set(key, { result: hit, freshUntil: result.entry.expiresAt });
        }
        return result;
      })
      .finally(() => {
        this.#inFlight.delete(key);
        this.#raced.delete(key);
      });
    this.#inFlight.set(key, call);
    return call;
  }

  async #getOrSet<T>(
    key: string,
    factory: (context: CacheFactoryContext) => Promise<T>,
    options: CacheSetOptions,
    forceFresh = false,
  ): Promise<CacheResult<T>> {
    // An object, not two `let`s: TypeScript does not see the closure below assigning them.
    const call: { state: 'not-called' | 'resolved' | 'threw'; error?: unknown } = { state: 'not-called' };
    let stored: Envelope<T>;
    try {
      stored = await this.#bento.getOrSet<Envelope<T>>({
        key,
        factory: async () => {
          try {
            let tags = options.tags ?? [];
            const value = await factory({
              setTags: (declared) => {
                tags = declared;
              },
            });
            const stored = envelope(value, options);
            // Indexed before bentocache writes it, so an invalidation racing the write still finds the key.
            await this.#parts.tags.add(key, tags, stored.g - stored.s);
            call.state = 'resolved';
            return stored;
          } catch (error) {
            call.state = 'threw';
            call.error = error;
            throw error;
          }
        },
        ...entryOptions(options),
        forceFresh,
      });
    } catch (error) {
      if (call.state === 'threw') throw call.error;
      throw error instanceof errors.E_FACTORY_ERROR && error.cause !== undefined ? error.cause : error;
    }
    const now = Date.now();
    if (call.state === 'resolved') return { entry: toEntry(stored, false), outcome: 'MISS' };
    if (call.state === 'threw') {
      // Physical expiry (LRU timers, Redis PX) may lag the grace bound by a little: enforce it here.
      if (stored.g <= now) throw call.error;
      return { entry: toEntry(stored, true), outcome: 'STALE' };
    }
    if (stored.g <= now) {
      // Only reachable through the failure backoff outliving the grace period: ask the origin.
      if (forceFresh) throw new Error(`cache: entry for ${key} is past its grace period`);
      return this.#getOrSet(key, factory, options, true);
    }
    if (stored.e <= now) return { entry: toEntry(stored, true), outcome: 'STALE' };
    return { entry: toEntry(stored, false), outcome: 'HIT' };
  }

  /** Deletes the tagged entries everywhere; a remote failure leaves the invalidation local. */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    this.#generation += 1;
    const keys = await this.#parts.tags.take(tags);
    this.#dropFront(keys);
    try {
      if (keys.length > 0) await this.#bento.deleteMany({ keys });
    } finally {
      this.#generation += 1;
      this.#dropFront(keys);
    }
  }

  /** Drops the key everywhere; a miss is a no-op. */
  async delete(key: string): Promise<void> {
    this.#dropFront([key]);
    try {
      await this.#bento.delete({ key });
    } finally {
      this.#dropFront([key]);
    }
  }

  /** 'degraded' when a remote tier is unreachable. */
  health(): Promise<'ok' | 'degraded'> {
    return this.#parts.health();
  }

  /** Entries and approximate bytes of the in-process tier, when there is one. */
  readonly stats?: () => CacheStats;

  /** Drops expired and least recently used entries of the in-process tier, when there is one. */
  readonly shrink?: (share: number) => void;

  /** Disconnects every tier and the bus. */
  async close(): Promise<void> {
    this.#dropFront();
    await this.#parts.tags.close();
    await this.#bento.disconnectAll();
    await this.#parts.close?.();
  }
}

function assertValid(options: CacheSetOptions): void {
  // bentocache reads a ttl of 0 as "forever": refuse it rather than cache a search for good.
  if (!Number.isFinite(options.ttlMs) || options.ttlMs < 1) {
    throw new RangeError(`cache: ttlMs must be a positive number of milliseconds, got ${options.ttlMs}`);
  }
  if (options.graceMs !== undefined && (!Number.isFinite(options.graceMs) || options.graceMs < 0)) {
    throw new RangeError(`cache: graceMs must be zero or more milliseconds, got ${options.graceMs}`);
  }
}

function envelope<T>(value: T, options: CacheSetOptions): Envelope<T> {
  assertValid(options);
  const s = Date.now();
  const e = s + options.ttlMs;
  return { v: value, s, e, g: e + (options.graceMs ?? 0) };
}

/** bentocache options per (ttl, grace): a handful of distinct pairs, built once each. */
const entryOptionsMemo = new Map<string, RawCommonOptions>();

/** The port's options in bentocache's terms. */
function entryOptions(options: CacheSetOptions): RawCommonOptions {
  const memoKey = `${options.ttlMs}/${options.graceMs ?? 0}`;
  const known = entryOptionsMemo.get(memoKey);
  if (known !== undefined) return known;
  const built = buildEntryOptions(options);
  if (entryOptionsMemo.size < 64) entryOptionsMemo.set(memoKey, built);
  return built;
}

function buildEntryOptions(options: CacheSetOptions): RawCommonOptions {
  assertValid(options);
  const graceMs = options.graceMs ?? 0;
  return {
    ttl: options.ttlMs,
    // bentocache's grace is how long an entry is kept in all (ttl included); ours counts after ttl.
    grace: graceMs > 0 ? options.ttlMs + graceMs : false,
    graceBackoff: FAILURE_BACKOFF_MS,
    // null = wait for the origin. bentocache's default (0) would answer a stale value at once and
    // refresh in the background, which the port does not promise.
    timeout: null,
  };
}

function toEntry<T>(envelope: Envelope<T>, stale: boolean): CacheEntry<T> {
  return { value: envelope.v, storedAt: envelope.s, expiresAt: envelope.e, stale };
}
