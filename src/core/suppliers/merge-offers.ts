import type { FlightOfferView } from '../flights/flight-offer-view.js';
import type { FlightSearchRequest } from '../flights/flight-search-request.js';
import { convert, parseAmount } from '../money/money.js';

/**
 * The identity of the flights an offer sells: marketing flight number and UTC departure of every
 * segment. Two suppliers selling the same flights produce the same key whatever their offer ids.
 */
export function flightsKey(offer: FlightOfferView): string {
  return offer.itineraries
    .map((it) => it.segments.map((s) => `${s.flightNumber}@${s.departure.atUtc}`).join(','))
    .join('|');
}

/** The total in minor units of `currency` (converted when the supplier answered in another). */
export function totalIn(offer: FlightOfferView, currency: string): number {
  const minor = parseAmount(offer.price.total, offer.price.currency);
  if (minor === undefined) return Number.POSITIVE_INFINITY;
  try {
    return convert({ minor, currency: offer.price.currency }, currency).minor;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function durationMinutes(offer: FlightOfferView): number {
  let minutes = 0;
  for (const it of offer.itineraries) {
    const first = it.segments[0];
    const last = it.segments[it.segments.length - 1];
    if (first && last)
      minutes += (Date.parse(last.arrival.atUtc) - Date.parse(first.departure.atUtc)) / 60_000;
  }
  return minutes;
}

const departure = (offer: FlightOfferView): number =>
  Date.parse(offer.itineraries[0]?.segments[0]?.departure.atUtc ?? '');

/**
 * Merges the offers of several suppliers: the same flights sold by two suppliers are kept once, at
 * the lower price (the earlier supplier in `SUPPLIERS` order on a tie), then ranked by the request's
 * sort and cut to `max`.
 */
export function mergeOffers(
  bySupplier: readonly (readonly FlightOfferView[])[],
  request: Pick<FlightSearchRequest, 'sort' | 'currency'>,
  max: number,
): FlightOfferView[] {
  const best = new Map<string, { offer: FlightOfferView; total: number }>();
  for (const offers of bySupplier) {
    for (const offer of offers) {
      const key = flightsKey(offer);
      const total = totalIn(offer, request.currency);
      const kept = best.get(key);
      if (!kept || total < kept.total) best.set(key, { offer, total });
    }
  }
  const ranked = [...best.values()].map(({ offer, total }) => ({
    offer,
    total,
    duration: durationMinutes(offer),
    departs: departure(offer),
  }));
  type Ranked = (typeof ranked)[number];
  // Sorting is stable: offers equal on every criterion keep their supplier's own order.
  const tie = (a: Ranked, b: Ranked): number => a.departs - b.departs;
  const order: (a: Ranked, b: Ranked) => number =
    request.sort === 'duration'
      ? (a, b) => a.duration - b.duration || a.total - b.total || tie(a, b)
      : request.sort === 'departure'
        ? (a, b) => a.departs - b.departs || a.total - b.total || tie(a, b)
        : (a, b) => a.total - b.total || a.duration - b.duration || tie(a, b);
  return ranked
    .sort(order)
    .slice(0, max)
    .map((r) => r.offer);
}
