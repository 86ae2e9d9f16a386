import type { AirportDirectory } from '../../ports/airports.js';
import type { Clock } from '../../ports/clock.js';
import type { InventoryStore } from '../../ports/store.js';
import type { TokenSigner } from '../offers/signed-token.js';

/** What every offer-producing use case (flight and hotel search, price confirmation) needs. */
export interface OfferDependencies {
  store: InventoryStore;
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
}
