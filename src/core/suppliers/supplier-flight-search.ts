import type { Cache } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import type { Supplier, SupplierFlightOffer, SupplierSearchResult } from '../../ports/supplier.js';
import { DomainError } from '../errors.js';
import type { FlightOfferView } from '../flights/flight-offer-view.js';
import type { FlightSearchRequest } from '../flights/flight-search-request.js';
import { PagedFlightSearch } from '../flights/paged-flight-search.js';
import type { TokenSigner } from '../offers/signed-token.js';
import type { SearchOptions } from '../search/search-dependencies.js';
import type { SearchResults, SearchRun } from '../search/search-results.js';
import { SearchCancelledError } from '../search/work-budget.js';
import { mergeOffers, totalIn } from './merge-offers.js';
import { supplierOfferView } from './supplier-offer-view.js';
import { allCurrent, type SupplierOutcome, type SupplierOutcomes } from './supplier-outcome.js';

export interface SupplierFlightSearchDependencies {
  /** In `SUPPLIERS` order: on equal offers the earlier one wins. */
  suppliers: readonly Supplier[];
  /** The merged result cache and snapshots that pages are cut from. */
  results: SearchResults;
  /** Where each remote supplier's last answer is kept, to stand in (STALE) while it is down. */
  cache: Cache;
  signer: TokenSigner;
  clock: Clock;
  /** The cache key of a request (equivalent requests share it). */
  cacheKey(request: FlightSearchRequest): string;
  /** Longest a search waits for remote suppliers; the late ones are reported as timed out. */
  deadlineMs: number;
  maxResults: number;
  /** Longest a supplier's answer stays fresh; shorter when its offers expire sooner. */
  ttlMs: number;
  /** How long past its freshness a supplier's answer may stand in while it fails. */
  graceMs: number;
}

/** A supplier's answer as kept in the cache. */
interface CachedAnswer {
  offers: SupplierFlightOffer[];
}

interface SupplierAnswer {
  offers: FlightOfferView[];
  outcome: SupplierOutcome;
  tags: string[];
  partial?: 'deadline' | 'steps';
}

/** Cache tag of everything cached from one supplier (dropped together when it is reconfigured). */
export const supplierTag = (name: string): string => `supplier:${name}`;

/**
 * Flight search across the configured suppliers: fans the request out to all of them at once, waits
 * for the remote ones until the search deadline, merges, de-duplicates and ranks what came back, and
 * says in `meta.suppliers` which answered, timed out or failed. A remote supplier that fails or is
 * late is stood in for by its last answer while that is within grace (STALE). A result missing a
 * supplier is answered but flagged partial, and not kept as the cached answer to the search.
 */
export class SupplierFlightSearch extends PagedFlightSearch {
  readonly #deps: SupplierFlightSearchDependencies;

  constructor(deps: SupplierFlightSearchDependencies) {
    if (deps.suppliers.length === 0) throw new Error('at least one supplier is needed');
    super(deps.results);
    this.#deps = deps;
  }

  /** The cache key of a request, as the search engine normalises it. */
  cacheKey(request: FlightSearchRequest): string {
    return this.#deps.cacheKey(request);
  }

  /** Every supplier's offers for the request, merged; `meta.suppliers` says how each took part. */
  async search(
    request: FlightSearchRequest,
    options: SearchOptions = {},
  ): Promise<SearchRun<FlightOfferView>> {
    const signal = options.signal ?? new AbortController().signal;
    const key = this.#deps.cacheKey(request);
    const answers = await Promise.allSettled(
      this.#deps.suppliers.map((supplier) =>
        supplier.kind === 'own'
          ? this.#own(supplier, request, signal)
          : this.#remote(supplier, request, key, signal),
      ),
    );
    if (signal.aborted) throw new SearchCancelledError();
    const suppliers: SupplierOutcomes = {};
    const offers: FlightOfferView[][] = [];
    const tags = new Set<string>();
    let partial: 'deadline' | 'steps' | undefined;
    const errors: unknown[] = [];
    answers.forEach((answer, i) => {
      const name = (this.#deps.suppliers[i] as Supplier).name;
      if (answer.status === 'rejected') {
        // A request the core refuses, or a cancelled search, is the search's answer, not a supplier's failure.
        if (answer.reason instanceof DomainError || answer.reason instanceof SearchCancelledError)
          throw answer.reason;
        errors.push(answer.reason);
        suppliers[name] = { status: 'failed', offers: 0 };
        return;
      }
      suppliers[name] = answer.value.outcome;
      offers.push(answer.value.offers);
      for (const tag of answer.value.tags) tags.add(tag);
      partial ??= answer.value.partial;
    });
    // Nothing at all to show: the search fails (the cache may still serve its last result as STALE).
    if (errors.length === this.#deps.suppliers.length) throw errors[0];
    if (!allCurrent(suppliers)) partial = 'deadline';
    return {
      offers: mergeOffers(offers, request, this.#deps.maxResults),
      tags: [...tags].sort(),
      suppliers,
      ...(partial ? { partial } : {}),
    };
  }

  /** The own inventory: bounded by its own work budget, cached with the merged result. */
  async #own(supplier: Supplier, request: FlightSearchRequest, signal: AbortSignal): Promise<SupplierAnswer> {
    const result = await supplier.searchFlights(request, signal);
    return {
      offers: this.#views(supplier, result.offers, request),
      outcome: { status: 'answered', offers: result.offers.length },
      tags: result.tags ?? [],
      ...(result.partial ? { partial: result.partial } : {}),
    };
  }

  async #remote(
    supplier: Supplier,
    request: FlightSearchRequest,
    key: string,
    signal: AbortSignal,
  ): Promise<SupplierAnswer> {
    const cacheKey = `${supplierTag(supplier.name)}:${key}`;
    const cached = await this.#deps.cache.get<CachedAnswer>(cacheKey);
    if (cached && !cached.stale) return this.#answer(supplier, cached.value.offers, request, 'cached');
    let status: 'timeout' | 'failed';
    let failure: unknown;
    try {
      const result = await this.#withDeadline(supplier, request, signal);
      await this.#keep(supplier, cacheKey, result);
      return this.#answer(supplier, result.offers, request, 'answered');
    } catch (error) {
      if (signal.aborted) throw new SearchCancelledError();
      status = error instanceof SupplierDeadlineError ? 'timeout' : 'failed';
      failure = error;
    }
    const now = this.#deps.clock.now();
    if (cached) {
      // Offers the supplier no longer honours are not shown, even from a stale answer.
      const live = cached.value.offers.filter((o) => Date.parse(o.expiresAt) > now);
      return this.#answer(supplier, live, request, 'stale');
    }
    if (status === 'timeout') return { offers: [], outcome: { status, offers: 0 }, tags: [] };
    throw failure;
  }

  #answer(
    supplier: Supplier,
    offers: SupplierFlightOffer[],
    request: FlightSearchRequest,
    status: SupplierOutcome['status'],
  ): SupplierAnswer {
    return {
      offers: this.#views(supplier, offers, request),
      outcome: { status, offers: offers.length },
      tags: [],
    };
  }

  #views(
    supplier: Supplier,
    offers: readonly SupplierFlightOffer[],
    request: FlightSearchRequest,
  ): FlightOfferView[] {
    const passengers = { adults: request.adults, children: request.children, infants: request.infants };
    const carriers = request.carriers ? new Set(request.carriers) : undefined;
    return offers
      .map((offer) =>
        supplierOfferView(supplier, offer, passengers, (reference) => this.#deps.signer.sign(reference)),
      )
      .filter(
        (view) =>
          // Remote suppliers may not apply every filter; the own inventory already has.
          supplier.kind === 'own' ||
          ((request.maxPrice === undefined || totalIn(view, request.currency) <= request.maxPrice) &&
            (!carriers ||
              view.itineraries.every((it) => it.segments.every((s) => carriers.has(s.carrierCode))))),
      );
  }

  /** Keeps a supplier's answer fresh until its first offer expires (at most `ttlMs`), then within grace. */
  async #keep(supplier: Supplier, cacheKey: string, result: SupplierSearchResult): Promise<void> {
    const now = this.#deps.clock.now();
    const firstExpiry = Math.min(...result.offers.map((o) => Date.parse(o.expiresAt)));
    const ttlMs = Math.min(
      this.#deps.ttlMs,
      Number.isFinite(firstExpiry) ? firstExpiry - now : this.#deps.ttlMs,
    );
    if (ttlMs <= 0) return;
    await this.#deps.cache.set<CachedAnswer>(
      cacheKey,
      { offers: result.offers },
      { ttlMs, graceMs: this.#deps.graceMs, tags: [supplierTag(supplier.name)] },
    );
  }

  /** The supplier's answer, or SupplierDeadlineError once the search deadline has passed (the call is aborted). */
  async #withDeadline(
    supplier: Supplier,
    request: FlightSearchRequest,
    signal: AbortSignal,
  ): Promise<SupplierSearchResult> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new SupplierDeadlineError(supplier.name));
        controller.abort();
      }, this.#deps.deadlineMs);
    });
    try {
      return await Promise.race([supplier.searchFlights(request, controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

class SupplierDeadlineError extends Error {
  constructor(supplier: string) {
    super(`supplier ${supplier} did not answer before the search deadline`);
    this.name = 'SupplierDeadlineError';
  }
}
