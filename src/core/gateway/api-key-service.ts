import type { ApiKeyRecord, ApiKeyRole, ApiKeyStore, DailyUsage } from '../../ports/api-keys.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import { StoreUnavailableError } from '../../ports/store.js';
import type { UsagePlan, UsagePlanOverrides } from '../../ports/usage-plan.js';
import {
  apiKeyMatches,
  generateApiKey,
  hashApiKey,
  isPlausibleApiKey,
  parseApiKeyId,
} from './api-key-format.js';
import { type PlanName, resolvePlan } from './plans.js';

/** The caller an API key speaks for, attached to each authenticated request. */
export interface ApiKeyPrincipal {
  keyId: string;
  role: ApiKeyRole;
  plan: UsagePlan;
}

/** Why an API key was refused; `message` is safe to show the client. */
export type ApiKeyRejection = 'missing' | 'malformed' | 'unknown' | 'revoked';

/** The presented API key does not authenticate anyone. */
export class ApiKeyRejectedError extends Error {
  constructor(
    readonly reason: ApiKeyRejection,
    message: string,
  ) {
    super(message);
    this.name = 'ApiKeyRejectedError';
  }
}

/** What an admin asks for when issuing a key. */
export interface IssueApiKeyInput {
  name: string;
  role?: ApiKeyRole;
  plan?: PlanName;
  overrides?: UsagePlanOverrides;
}

/** A newly issued key: `key` is the only time the secret is ever visible. */
export interface IssuedApiKey {
  record: ApiKeyRecord;
  key: string;
}

export interface ApiKeyServiceOptions {
  store: ApiKeyStore;
  clock?: Clock;
  /** Plan of keys issued without one. */
  defaultPlan?: PlanName;
  /** A configured admin credential (any string); authenticates as key id `admin`. */
  adminApiKey?: string | undefined;
  /**
   * How long (ms) a looked-up key is trusted before the store is asked again. Bounds how long
   * a key revoked on another instance keeps working; must stay ≤ 1000.
   */
  cacheTtlMs?: number;
  /**
   * How long (ms) after it was last read from the store a key is still accepted while the store
   * cannot be reached, so an outage does not refuse clients whose answers need no store (cached
   * searches). Only keys read before the outage: an unknown key is never let in. 0: none.
   */
  staleOnOutageMs?: number;
}

/** Key id under which the configured `ADMIN_API_KEY` is metered. */
export const CONFIGURED_ADMIN_KEY_ID = 'admin';

const CACHE_LIMIT = 10_000;

interface CachedLookup {
  record: ApiKeyRecord | undefined;
  expiresAt: number;
}

/** Issues, authenticates, lists and revokes API keys. */
export class ApiKeyService {
  readonly #store: ApiKeyStore;
  readonly #clock: Clock;
  readonly #defaultPlan: PlanName;
  readonly #adminKeyHash: string | undefined;
  readonly #cacheTtlMs: number;
  // A short-lived cache keeps the store off the hot path; negative answers are cached too so
  // a flood of made-up ids cannot turn into a flood of store reads.
  readonly #cache = new Map<string, CachedLookup>();
  /**
   * Keys that authenticated recently, by the presented string, for the same short time: a client
   * sends the same key on every request, and hashing it each time was a measurable share of a
   * cached search. Only exact, complete keys that verified are found here, so a lookup reveals
   * nothing a guesser could use.
   */
  readonly #verified = new Map<string, { principal: ApiKeyPrincipal; expiresAt: number }>();
  readonly #staleOnOutageMs: number;
  /** The last record the store gave for each existing key, and when (monotonic ms): the outage fallback. */
  readonly #lastRead = new Map<string, { record: ApiKeyRecord; readAt: number }>();
  /** Keys whose last store read failed and were answered as last read: the store is probed behind them. */
  readonly #unreachable = new Set<string>();
  /** Store reads under way, by key id: concurrent requests of one key share one read. */
  readonly #reading = new Map<string, Promise<ApiKeyRecord | undefined>>();

  constructor(options: ApiKeyServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#defaultPlan = options.defaultPlan ?? 'free';
    this.#adminKeyHash = options.adminApiKey ? hashApiKey(options.adminApiKey) : undefined;
    this.#cacheTtlMs = Math.min(options.cacheTtlMs ?? 500, 1000);
    this.#staleOnOutageMs = options.staleOnOutageMs ?? 0;
  }

  /** Creates and stores a new key; the returned `key` must be shown to the caller once. */
  async issue(input: IssueApiKeyInput): Promise<IssuedApiKey> {
    const generated = generateApiKey();
    const record: ApiKeyRecord = {
      id: generated.id,
      name: input.name,
      role: input.role ?? 'client',
      secretHash: generated.secretHash,
      plan: input.plan ?? this.#defaultPlan,
      overrides: { ...input.overrides },
      createdAt: this.#clock.now(),
      revokedAt: undefined,
    };
    await this.#store.create(record);
    return { record, key: generated.key };
  }

  /**
   * The principal of `presented` when it verified within the last moments (the same short cache
   * `authenticate` answers from), without I/O; undefined otherwise, and then `authenticate` decides.
   */
  authenticatedRecently(presented: string): ApiKeyPrincipal | undefined {
    const verified = this.#verified.get(presented);
    return verified !== undefined && verified.expiresAt > performance.now() ? verified.principal : undefined;
  }

  /** The principal `presented` authenticates, or rejects with `ApiKeyRejectedError`. */
  async authenticate(presented: string | undefined): Promise<ApiKeyPrincipal> {
    const recent = presented === undefined ? undefined : this.authenticatedRecently(presented);
    if (recent !== undefined) return recent;
    const principal = await this.#authenticate(presented);
    if (this.#verified.size >= CACHE_LIMIT) this.#verified.clear();
    this.#verified.set(presented as string, { principal, expiresAt: performance.now() + this.#cacheTtlMs });
    return principal;
  }

  async #authenticate(presented: string | undefined): Promise<ApiKeyPrincipal> {
    if (presented === undefined || presented === '') {
      throw new ApiKeyRejectedError('missing', 'The x-api-key header is missing or empty.');
    }
    if (!isPlausibleApiKey(presented)) {
      throw new ApiKeyRejectedError(
        'malformed',
        'The x-api-key header must be at most 256 visible ASCII characters.',
      );
    }
    if (this.#adminKeyHash !== undefined && apiKeyMatches(presented, this.#adminKeyHash)) {
      return {
        keyId: CONFIGURED_ADMIN_KEY_ID,
        role: 'admin',
        plan: resolvePlan({ plan: 'partner', overrides: {} }),
      };
    }
    const id = parseApiKeyId(presented);
    if (id === undefined) {
      throw new ApiKeyRejectedError('malformed', 'The x-api-key header is not a travel-platform API key.');
    }
    const record = await this.#lookup(id);
    // The same message for an unknown id and a wrong secret: telling them apart would let a
    // caller probe which key ids exist.
    if (record === undefined || !apiKeyMatches(presented, record.secretHash)) {
      throw new ApiKeyRejectedError('unknown', 'The API key is not valid.');
    }
    if (record.revokedAt !== undefined) {
      throw new ApiKeyRejectedError('revoked', 'The API key has been revoked.');
    }
    return { keyId: record.id, role: record.role, plan: resolvePlan(record, this.#defaultPlan) };
  }

  /** True while the key `id` exists and is not revoked (the configured admin key while configured). */
  async isActive(id: string): Promise<boolean> {
    if (id === CONFIGURED_ADMIN_KEY_ID) return this.#adminKeyHash !== undefined;
    const record = await this.#lookup(id);
    return record !== undefined && record.revokedAt === undefined;
  }

  /** Every key, oldest first. */
  list(): Promise<ApiKeyRecord[]> {
    return this.#store.list();
  }

  /** The key with `id`, or undefined. */
  get(id: string): Promise<ApiKeyRecord | undefined> {
    return this.#store.findById(id);
  }

  /** Revokes the key at once on this instance (others follow within the cache TTL); false if unknown. */
  async revoke(id: string): Promise<boolean> {
    const found = await this.#store.revoke(id, this.#clock.now());
    this.#cache.delete(id);
    this.#lastRead.delete(id);
    this.#unreachable.delete(id);
    for (const [presented, { principal }] of this.#verified)
      if (principal.keyId === id) this.#verified.delete(presented);
    return found;
  }

  /** The key's daily usage from `from` to `to` (UTC days, inclusive). */
  usage(id: string, from: string, to: string): Promise<DailyUsage[]> {
    return this.#store.usage(id, from, to);
  }

  /** The effective usage plan of a stored key. */
  planOf(record: ApiKeyRecord): UsagePlan {
    return resolvePlan(record, this.#defaultPlan);
  }

  async #lookup(id: string): Promise<ApiKeyRecord | undefined> {
    // Monotonic time, not the injected clock: a test clock standing still must not make a
    // cached key outlive its revocation.
    const now = performance.now();
    const cached = this.#cache.get(id);
    if (cached !== undefined && cached.expiresAt > now) return cached.record;
    let reading = this.#reading.get(id);
    if (reading === undefined) {
      reading = this.#read(id).finally(() => this.#reading.delete(id));
      this.#reading.set(id, reading);
    }
    const stale = this.#unreachable.has(id) ? this.#lastReadWithinBound(id, now) : undefined;
    if (stale === undefined) return reading;
    // The store failed this key's last read: answer as last read at once rather than wait out
    // another timeout, while this read finds out whether the store is back.
    reading.catch(() => undefined);
    return stale;
  }

  #lastReadWithinBound(id: string, now: number): ApiKeyRecord | undefined {
    const last = this.#lastRead.get(id);
    return last !== undefined && now - last.readAt <= this.#staleOnOutageMs ? last.record : undefined;
  }

  /**
   * Reads the key from the store into the cache. While the store is unavailable, a key read within
   * `staleOnOutageMs` is answered as last read (a revoked one stays revoked) and cached for the usual
   * short time, so the store is asked again at most once per key and TTL; any other key fails.
   */
  async #read(id: string): Promise<ApiKeyRecord | undefined> {
    let record: ApiKeyRecord | undefined;
    try {
      record = await this.#store.findById(id);
    } catch (error) {
      const now = performance.now();
      const stale = error instanceof StoreUnavailableError ? this.#lastReadWithinBound(id, now) : undefined;
      if (stale === undefined) throw error;
      this.#unreachable.add(id);
      this.#remember(id, stale, now);
      return stale;
    }
    const now = performance.now();
    this.#unreachable.delete(id);
    if (record === undefined) this.#lastRead.delete(id);
    else if (this.#staleOnOutageMs > 0) {
      // Only ids the store knows: made-up ids cannot push real keys out.
      if (this.#lastRead.size >= CACHE_LIMIT) {
        this.#lastRead.clear();
        this.#unreachable.clear();
      }
      this.#lastRead.set(id, { record, readAt: now });
    }
    this.#remember(id, record, now);
    return record;
  }

  #remember(id: string, record: ApiKeyRecord | undefined, now: number): void {
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(id, { record, expiresAt: now + this.#cacheTtlMs });
  }
}
