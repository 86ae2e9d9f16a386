import type { CloudEvent } from './events.js';
import type { Cabin } from './store.js';

/** Which journeys a filing may price: one-way journeys only, round trips only, or both. */
export type FareTripType = 'any' | 'one_way' | 'round_trip';

/**
 * One filed fare: what a carrier charges one adult for one fare component (a flight, or several of
 * its flights from `origin` to `destination`), one way, in one cabin. Amounts are integer minor units
 * of `currency`; dates are calendar dates (YYYY-MM-DD) of the component's local departure.
 */
export interface FareFiling {
  carrier: string;
  origin: string;
  destination: string;
  cabin: Cabin;
  fareBasis: string;
  bookingClass: string;
  amount: number;
  currency: string;
  firstTravelDate: string;
  lastTravelDate: string;
  /** ISO weekdays the fare may depart on, ascending digits 1 (Monday) to 7 (Sunday); absent: every day. */
  daysOfWeek?: string;
  /** Booked at least this many days before departure. */
  advancePurchaseDays?: number;
  /** Round trips only: days between the outbound and return departures, inclusive bounds. */
  minStayDays?: number;
  maxStayDays?: number;
  refundable: boolean;
  checkedBags: number;
  tripType: FareTripType;
}

/** A carrier's fares between two airports (a fare market). */
export interface FareMarket {
  carrier: string;
  origin: string;
  destination: string;
}

/** A filing of an import being staged, with the line of the file it came from. */
export interface StagedFiling {
  line: number;
  filing: FareFiling;
}

/** How a staged version differs from the fares now in force for the same carriers. */
export interface FareComparison {
  created: number;
  changed: number;
  unchanged: number;
  removed: number;
  /** Origin–destination pairs (any carrier) where some filing was created, changed or removed. */
  changedRoutes: { origin: string; destination: string }[];
}

/**
 * The identity of a filing within its carrier's fares: two filings with the same key are one fare
 * (a file naming it twice is wrong). Shared by every backend, so they agree on what a duplicate is.
 */
export function fareFilingKey(filing: FareFiling): string {
  return [
    filing.origin,
    filing.destination,
    filing.cabin,
    filing.fareBasis,
    filing.firstTravelDate,
    filing.tripType,
  ].join('#');
}

/**
 * A filing as canonical JSON (fixed member order, optional members left out when absent), so two
 * backends and two imports compare filings by one string.
 */
export function fareFilingBody(filing: FareFiling): string {
  return JSON.stringify({
    carrier: filing.carrier,
    origin: filing.origin,
    destination: filing.destination,
    cabin: filing.cabin,
    fareBasis: filing.fareBasis,
    bookingClass: filing.bookingClass,
    amount: filing.amount,
    currency: filing.currency,
    firstTravelDate: filing.firstTravelDate,
    lastTravelDate: filing.lastTravelDate,
    daysOfWeek: filing.daysOfWeek,
    advancePurchaseDays: filing.advancePurchaseDays,
    minStayDays: filing.minStayDays,
    maxStayDays: filing.maxStayDays,
    refundable: filing.refundable,
    checkedBags: filing.checkedBags,
    tripType: filing.tripType,
  });
}

/**
 * Imported fare filings, kept by version: an import writes its filings into a new version, invisible
 * to readers, then `publish` makes it the carriers' current version in one atomic switch with its
 * events, so a search sees a carrier's old fares or its new ones, never a mix. Every method rejects
 * with StoreUnavailableError when the backend cannot be reached.
 */
export interface FareFilings {
  /**
   * The current filings of each market, one list per market in the order of `markets` (empty when
   * the carrier has none there), in no particular order. One round trip where the backend allows.
   */
  findFares(markets: readonly FareMarket[]): Promise<FareFiling[][]>;
  /**
   * Adds filings to staged `version` (a new, unpublished version id). Answers the lines of filings
   * whose key (fareFilingKey) the version already holds for their carrier — those are not written.
   */
  stage(version: string, filings: readonly StagedFiling[]): Promise<number[]>;
  /** How staged `version` differs from the current fares of `carriers` (carriers it has no filing for count as emptied). */
  compare(version: string, carriers: readonly string[]): Promise<FareComparison>;
  /**
   * Makes `version` current for every one of `carriers` at once and appends `events` to the outbox
   * in the same write; the versions it replaces are deleted afterwards (readers may still be reading
   * them, so never before the switch).
   */
  publish(version: string, carriers: readonly string[], events: readonly CloudEvent[]): Promise<void>;
  /** Deletes a staged version that will not be published; a no-op when it holds nothing. */
  discard(version: string): Promise<void>;
}
