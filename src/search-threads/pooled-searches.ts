import type { FlightOfferView } from '../core/flights/flight-offer-view.js';
import { FlightSearch, type FlightSearchDependencies } from '../core/flights/flight-search.js';
import type { FlightSearchRequest } from '../core/flights/flight-search-request.js';
import { type HotelOfferView, HotelSearch, type HotelSearchRequest } from '../core/hotels/hotel-search.js';
import type { SearchDependencies } from '../core/search/search-dependencies.js';
import type { SearchRun } from '../core/search/search-results.js';
import type { SearchPool } from './pool.js';

/**
 * Flight search whose origin work runs on the search pool; the rest (cache keys, airport
 * resolution) stays here, where it is cheap.
 */
export class PooledFlightSearch extends FlightSearch {
  readonly #pool: SearchPool;

  constructor(deps: FlightSearchDependencies, pool: SearchPool) {
    super(deps);
    this.#pool = pool;
  }

  override async search(request: FlightSearchRequest): Promise<SearchRun<FlightOfferView>> {
    return (await this.#pool.flights(request)) as SearchRun<FlightOfferView>;
  }
}

/** Hotel search whose origin work runs on the search pool. */
export class PooledHotelSearch extends HotelSearch {
  readonly #pool: SearchPool;

  constructor(deps: SearchDependencies, pool: SearchPool) {
    super(deps);
    this.#pool = pool;
  }

  override async search(request: HotelSearchRequest): Promise<SearchRun<HotelOfferView>> {
    return (await this.#pool.hotels(request)) as SearchRun<HotelOfferView>;
  }
}
