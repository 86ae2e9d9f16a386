import { LRUCache } from 'lru-cache';
import type { Cache } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import type { SupplierOutcomes } from '../suppliers/supplier-outcome.js';
import { snapshotId } from './snapshot-id.js';
import type { BudgetExhaustion } from './work-budget.js';

/** The immutable result set of one search; every page of it is cut from here. */
export interface SearchSnapshot<T> {
  /** Derived from the content (snapshot-id.ts): equal results, equal id, in any process. */
  searchId: string;
  createdAt: number;
  expiresAt: number;
  offers: T[];
  /** Set when the search hit its work budget: the offers are the best it found in time. */
  partial?: BudgetExhaustion;
  /** How each supplier took part (flight searches across suppliers). */
  suppliers?: SupplierOutcomes;
}

/** What a search runner returns: the offers and the tags of what they depend on. */
export interface SearchRun<T> {
  offers: T[];
  tags: string[];
  /** Set when the search hit its work budget: the offers are the best found so far. */
  partial?: BudgetExhaustion;
  suppliers?: SupplierOutcomes;
}

export interface SearchSnapshotsOptions {
  /** Where snapshots live by search id for paging; must really store. */
  store: Cache;
  clock: Clock;
  /** Freshness of a result of `kind`, ms: a snapshot expires with it. */
  ttlMs(kind: string): number;
  /** How long a stale result may stand in when the search fails, ms. */
  graceMs: number;
  /** How long paging through a snapshot stays possible, ms. */
  snapshotTtlMs: number;
  /** Snapshots kept in process. */
  kept: number;
}

/**
 * Snapshots by search id: written to the snapshot store, and kept in process. A search id names one
 * immutable result set, so what is kept never goes stale: freshness is decided by the result
 * cache's pointer, read on every request; this only spares re-reading what it points to.
 */
export class SearchSnapshots {
  readonly #o: SearchSnapshotsOptions;
  readonly #kept: LRUCache<string, { snapshot: SearchSnapshot<unknown>; keepUntil: number }>;

  constructor(options: SearchSnapshotsOptions) {
    this.#o = options;
    this.#kept = new LRUCache({ max: options.kept });
  }

  /**
   * The snapshot of a search run of `kind` for the query hashed `queryHash` that just finished:
   * named by its content (snapshot-id.ts), kept in process and stored for paging (without tags, so
   * invalidating a search never pulls pages from under a client paging through it). A run that
   * found the same result as an earlier one replaces that snapshot under the same id, with its own
   * times: the offers are equal but for the moment they were stamped with.
   */
  async create<T>(kind: string, queryHash: string, run: SearchRun<T>): Promise<SearchSnapshot<T>> {
    const now = this.#o.clock.now();
    const snapshot: SearchSnapshot<T> = {
      searchId: snapshotId(kind, queryHash, run),
      createdAt: now,
      expiresAt: now + this.#o.ttlMs(kind),
      offers: run.offers,
      ...(run.partial ? { partial: run.partial } : {}),
      ...(run.suppliers ? { suppliers: run.suppliers } : {}),
    };
    const ttlMs = Math.max(this.#o.snapshotTtlMs, this.#o.ttlMs(kind) + this.#o.graceMs);
    this.#keep(snapshot, now + ttlMs);
    await this.#o.store.set(storeKey(snapshot.searchId), snapshot, { ttlMs });
    return snapshot;
  }

  /** The snapshot with `searchId` if process memory still keeps it. */
  kept<T>(searchId: string): SearchSnapshot<T> | undefined {
    const kept = this.#kept.get(searchId);
    if (kept === undefined) return undefined;
    if (kept.keepUntil > this.#o.clock.now()) return kept.snapshot as SearchSnapshot<T>;
    this.#kept.delete(searchId);
    return undefined;
  }

  /** The snapshot with `searchId`, from process memory first, then from the snapshot store. */
  async get<T>(searchId: string): Promise<SearchSnapshot<T> | undefined> {
    const kept = this.kept<T>(searchId);
    if (kept !== undefined) return kept;
    const stored = await this.#o.store.get<SearchSnapshot<T>>(storeKey(searchId));
    if (stored === undefined) return undefined;
    this.#keep(stored.value, stored.expiresAt);
    return stored.value;
  }

  /** Stops keeping `searchId` in process (its stored copy was evicted). */
  forget(searchId: string): void {
    this.#kept.delete(searchId);
  }

  /** Drops everything kept in process; it is read again from the store when asked. */
  release(): void {
    this.#kept.clear();
  }

  #keep<T>(snapshot: SearchSnapshot<T>, keepUntil: number): void {
    this.#kept.set(snapshot.searchId, { snapshot: snapshot as SearchSnapshot<unknown>, keepUntil });
  }
}

const storeKey = (searchId: string): string => `snapshot:${searchId}`;
