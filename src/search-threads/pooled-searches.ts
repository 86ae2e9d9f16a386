import type { FlightOfferView } from '../core/flights/flight-offer-view.js';
import { FlightSearch, type FlightSearchDependencies } from '../core/flights/flight-search.js';
import type { FlightSearchRequest } from '../core/flights/flight-search-request.js';
import {
  type HotelOfferView,
  HotelSearch,
  type HotelSearchDependencies,
  type HotelSearchRequest,
} from '../core/hotels/hotel-search.js';
import type { SearchOptions } from '../core/search/search-dependencies.js';
import type { SearchRun } from '../core/search/search-results.js';
import type { SearchPool } from './pool.js';

/**
 * Flight search whose origin work runs on the search pool; the rest (request rules, cache keys,
 * pages) stays here, where it is cheap. The caller's signal is forwarded to the thread.
 */
export class PooledFlightSearch extends FlightSearch {
  readonly #pool: SearchPool;

  constructor(deps: FlightSearchDependencies, pool: SearchPool) {
    super(deps);
    this.#pool = pool;
  }

  override async search(
    request: FlightSearchRequest,
    options: SearchOptions = {},
  ): Promise<SearchRun<FlightOfferView>> {
    return (await this.#pool.flights(request, options.signal)) as SearchRun<FlightOfferView>;
  }
}

/** Hotel search whose origin work runs on the search pool. */
export class PooledHotelSearch extends HotelSearch {
  readonly #pool: SearchPool;

  constructor(deps: HotelSearchDependencies, pool: SearchPool) {
    super(deps);
    this.#pool = pool;
  }

  override async search(
    request: HotelSearchRequest,
    options: SearchOptions = {},
  ): Promise<SearchRun<HotelOfferView>> {
    return (await this.#pool.hotels(request, options.signal)) as SearchRun<HotelOfferView>;
  }
}
