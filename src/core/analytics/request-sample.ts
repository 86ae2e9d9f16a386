/** How the cache answered a request, as the `x-cache` header says it. */
export type CacheOutcomeName = 'hit' | 'miss' | 'stale';

/** What analytics learns from one answered API request; built by the HTTP layer after the response. */
export interface RequestSample {
  /** Route group of the request ("flights.search", "bookings", …): the latency breakdown. */
  routeGroup: string;
  status: number;
  durationMs: number;
  apiKey?: { id: string; plan: string };
  /** Set on answers from the search cache. */
  cache?: { type: string; outcome: CacheOutcomeName; key: string };
  /** Set on successful searches: what `search.performed` reports. */
  search?: { kind: 'flights' | 'hotels'; route: string; city: string };
  /** A successful price confirmation: what `offer.priced` reports. */
  offerPriced?: boolean;
}
