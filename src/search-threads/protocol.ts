import type { DomainErrorCode } from '../core/errors.js';
import type { FlightSearchRequest } from '../core/flights/flight-search-request.js';
import type { HotelSearchRequest } from '../core/hotels/hotel-search.js';
import type { SearchRun } from '../core/search/search-results.js';

/** What a search thread needs to build its own searches: everything else it opens itself. */
export interface SearchThreadSetup {
  sqliteFile: string;
  signingSecret: string;
  offerTtlMs: number;
  maxResults: number;
}

export type SearchTask =
  | { id: number; kind: 'flights'; request: FlightSearchRequest }
  | { id: number; kind: 'hotels'; request: HotelSearchRequest };

/** An error crossing the thread boundary: domain errors keep their code and details. */
export interface ThreadError {
  message: string;
  code?: DomainErrorCode;
  details?: Record<string, unknown>;
}

export type SearchAnswer =
  | { id: number; ok: true; run: SearchRun<unknown> }
  | { id: number; ok: false; error: ThreadError };
