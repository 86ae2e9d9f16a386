import { dateOfDay, dayOfDate, operatingDays } from '../../kernel/day-periods.js';
import type { CloudEvent } from '../../ports/events.js';
import type { TouchedInventory } from '../../ports/inventory-updates.js';
import type { TouchedPeriod } from '../../ports/schedules.js';

/** Why prices or availability changed. */
export type InventoryChangeReason = 'admin' | 'booking' | 'cancellation' | 'import';

/**
 * Data of `price.updated` and `availability.changed`: the flights (route and UTC departure date) and
 * hotel nights (city and date) that changed, enough for any consumer to name the cache tags to drop.
 */
export interface InventoryChangedData extends TouchedInventory {
  reason: InventoryChangeReason;
  /** The booking behind a booking or cancellation change. */
  bookingId?: string;
  /**
   * Origin–destination pairs whose filed fares changed (a fares import): every search that priced a
   * fare component between them, on any date, is stale.
   */
  fareRoutes?: { origin: string; destination: string }[];
}

/** Data of `booking.created` and `booking.cancelled`; no personal data travels in events. */
export interface BookingEventData {
  bookingId: string;
  reference: string;
  offerType: 'flight' | 'hotel';
  apiKeyId: string;
  price: { total: string; currency: string };
  /** `booking.cancelled` of a remote supplier's booking: what the supplier refunds, when it says. */
  supplierRefund?: { amount: string; currency: string };
}

/** The fare routes of a `price.updated` event (a fares import); [] for any other event. */
export function fareRoutesOf(event: CloudEvent): { origin: string; destination: string }[] {
  if (event.type !== 'price.updated') return [];
  const routes = (event.data as Partial<InventoryChangedData> | null)?.fareRoutes;
  return Array.isArray(routes) ? routes : [];
}

/**
 * The touched inventory of a `price.updated`, `availability.changed` or `schedule.changed` event;
 * undefined for other events.
 */
export function touchedInventoryOf(event: CloudEvent): TouchedInventory | undefined {
  if (
    event.type !== 'price.updated' &&
    event.type !== 'availability.changed' &&
    event.type !== 'schedule.changed'
  ) {
    return undefined;
  }
  const data = event.data as Partial<InventoryChangedData> | null;
  return {
    flights: Array.isArray(data?.flights) ? data.flights : [],
    hotelNights: Array.isArray(data?.hotelNights) ? data.hotelNights : [],
  };
}

/** The periods of a `schedule.changed` event; [] for any other event. */
export function touchedPeriodsOf(event: CloudEvent): TouchedPeriod[] {
  if (event.type !== 'schedule.changed') return [];
  const periods = (event.data as Partial<ScheduleChangedData> | null)?.periods;
  return Array.isArray(periods) ? periods : [];
}

/** The UTC departure dates (YYYY-MM-DD) a touched period flies. */
export function touchedPeriodDates(p: TouchedPeriod): string[] {
  const dates: string[] = [];
  const period = {
    firstDay: dayOfDate(p.firstDate),
    lastDay: dayOfDate(p.lastDate),
    days: p.days,
    weeks: p.weeks,
    anchorDay: dayOfDate(p.anchorDate),
  };
  for (const day of operatingDays(period)) dates.push(dateOfDay(day));
  return dates;
}

/** How a schedule change affected one booked flight. */
export type ScheduleChangeKind = 'retimed' | 'cancelled' | 'equipment-changed';

/** One booking a schedule change affected, with the flight and what happened to it. */
export interface AffectedBooking {
  bookingId: string;
  /** The API key that owns the booking (webhooks deliver only to it). */
  apiKeyId: string;
  flightId: string;
  change: ScheduleChangeKind;
  /** Departure and arrival before and after, ISO 8601 UTC; `after` absent when cancelled. */
  before: { departureUtc: string; arrivalUtc: string; aircraft: string };
  after?: { departureUtc: string; arrivalUtc: string; aircraft: string };
}

/**
 * Data of `schedule.changed`: a schedule import (or an admin change) replaced flights. `flights` names
 * what cache consumers must drop (as in `price.updated`); `affectedBookings` the bookings whose
 * flights were retimed, cancelled or re-equipped — one event per affected booking, its id as subject,
 * so consumers (webhooks) keep each booking's order.
 */
export interface ScheduleChangedData extends TouchedInventory {
  reason: 'import' | 'admin';
  importId?: string;
  /**
   * Departures of schedule periods the change replaced or added (a store keeping periods names them
   * so instead of one entry per dated leg): cache consumers drop each route on each date a period
   * flies (`touchedPeriodDates`).
   */
  periods?: TouchedPeriod[];
  affectedBookings: AffectedBooking[];
}
