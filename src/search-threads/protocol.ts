import type { DomainErrorCode } from '../core/errors.js';
import type { FlightSearchRequest } from '../core/flights/flight-search-request.js';
import type { TimetableLayout } from '../core/flights/timetable/timetable-layout.js';
import type { HotelSearchRequest } from '../core/hotels/hotel-search.js';
import type { SearchRun } from '../core/search/search-results.js';
import type { WorkLimits } from '../core/search/work-budget.js';

/** What a search thread needs to build its own searches: everything else it opens itself. */
export interface SearchThreadSetup {
  sqliteFile: string;
  signingSecret: string;
  offerTtlMs: number;
  maxResults: number;
  /** The work budget of each search, as on the event loop. */
  workLimits: WorkLimits;
  /** Scheduling niceness of the thread (0: that of the event loop). */
  niceness: number;
}

export type SearchTask =
  | { type: 'search'; id: number; kind: 'flights'; request: FlightSearchRequest }
  | { type: 'search'; id: number; kind: 'hotels'; request: HotelSearchRequest };

/**
 * No client waits for search `id` any more. An AbortSignal cannot cross a thread boundary, so the
 * pool forwards its abort as this message; the thread aborts the search's own signal.
 */
export interface CancelTask {
  type: 'cancel';
  id: number;
}

/**
 * The timetable index to search from now on: its columns are SharedArrayBuffers, so posting it
 * shares the main thread's one copy instead of copying it.
 */
export interface TimetableTask {
  type: 'timetable';
  layout: TimetableLayout;
}

export type ToSearchThread = SearchTask | CancelTask | TimetableTask;

/** A thread found the store ahead of the timetable in a way only a rebuild can take in. */
export const TIMETABLE_STALE = 'timetable-stale';

/**
 * An error crossing the thread boundary, rebuilt on the other side as the class the HTTP layer maps:
 * domain errors keep their code and details, a cancelled search and an unreachable store their kind.
 */
export type ThreadError =
  | { kind: 'domain'; message: string; code: DomainErrorCode; details: Record<string, unknown> }
  | { kind: 'cancelled' | 'store-unavailable' | 'other'; message: string };

export type SearchAnswer =
  | { id: number; ok: true; run: SearchRun<unknown> }
  | { id: number; ok: false; error: ThreadError };
