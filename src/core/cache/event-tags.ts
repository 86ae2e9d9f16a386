import type { CloudEvent } from '../../ports/events.js';
import {
  fareRoutesOf,
  touchedInventoryOf,
  touchedPeriodDates,
  touchedPeriodsOf,
} from '../events/inventory-events.js';
import { fareRouteTag, flightRouteTag, hotelCityNightTag } from './cache-tags.js';

/**
 * Cache tags an event makes stale: every flight search that read the route on the flight's UTC
 * departure date (or on each date a schedule period it names flies), the route's cheapest-fare aggregates, every hotel search that read the city on
 * the night, every search that priced a fare component on a route whose filed fares changed. [] for
 * events that change no
 * price or availability (bookings always come with their own `availability.changed`).
 */
export function tagsForEvent(event: CloudEvent): string[] {
  const touched = touchedInventoryOf(event);
  if (touched === undefined) return [];
  const tags = new Set<string>();
  for (const f of touched.flights) {
    tags.add(flightRouteTag(f.origin, f.destination, f.departureDate));
    tags.add(fareRouteTag(f.origin, f.destination));
  }
  for (const p of touchedPeriodsOf(event)) {
    for (const date of touchedPeriodDates(p)) tags.add(flightRouteTag(p.origin, p.destination, date));
    tags.add(fareRouteTag(p.origin, p.destination));
  }
  for (const n of touched.hotelNights) tags.add(hotelCityNightTag(n.cityCode, n.date));
  for (const r of fareRoutesOf(event)) tags.add(fareRouteTag(r.origin, r.destination));
  return [...tags].sort();
}
