import type { DomainErrorCode } from '../core/errors.js';
import type { FlightSearchRequest } from '../core/flights/flight-search-request.js';
import type { TimetableLayout } from '../core/flights/timetable/timetable-layout.js';
import type { HotelSearchRequest } from '../core/hotels/hotel-search.js';
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

/**
 * A thread's answer. A run travels as its JSON text (`SearchRun` is plain JSON data: it is served as
 * JSON and may be stored as JSON in Redis): a string crosses a thread boundary as one copy, where
 * structured clone walks, serialises and rebuilds every object of up to 250 offers. Measured on a
 * 250-offer round trip (650 kB): serialise 4.8 + deserialise 7.9 ms against stringify 3.5 + copy 0.5
 * + parse 3.5 ms, the parse on the event loop.
 */
export type SearchAnswer =
  | { id: number; ok: true; run: string }
  | { id: number; ok: false; error: ThreadError };
