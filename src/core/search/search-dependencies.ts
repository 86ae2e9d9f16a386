import type { AirportDirectory } from '../../ports/airports.js';
import type { Clock } from '../../ports/clock.js';
import type { FareFilings } from '../../ports/fare-filings.js';
import type { InventoryStore } from '../../ports/store.js';
import type { TokenSigner } from '../offers/signed-token.js';
import type { WorkLimits } from './work-budget.js';

/** What every offer-producing use case (flight and hotel search, price confirmation) needs. */
export interface OfferDependencies {
  store: InventoryStore;
  /** Imported fare filings, which price `filed` flights; absent: no such flight is ever offered. */
  fares?: FareFilings;
  airports: AirportDirectory;
  clock: Clock;
  /** Signs offer ids so they carry what re-pricing needs and cannot be forged. */
  signer: TokenSigner;
  /** How long offer ids stay confirmable, ms. */
  offerTtlMs: number;
}

/** Offer dependencies of a search, which also caps its result set. */
export interface SearchDependencies extends OfferDependencies {
  /** Most offers one search returns. */
  maxResults: number;
  /** Work budget of one search (deadline and steps); DEFAULT_WORK_LIMITS when absent. */
  workLimits?: WorkLimits;
}

/** What a caller may pass along with a search request. */
export interface SearchOptions {
  /** Aborts once nobody waits for the search any more; the search then throws SearchCancelledError. */
  signal?: AbortSignal;
}
