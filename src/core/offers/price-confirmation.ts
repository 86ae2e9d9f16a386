import { distanceKm } from '../../kernel/great-circle.js';
import { daysBetween } from '../../kernel/zoned-time.js';
import type { FlightRecord } from '../../ports/store.js';
import { DomainError } from '../errors.js';
import { loadFiledFares } from '../flights/filed-fares.js';
import type { FlightOfferView } from '../flights/flight-offer-view.js';
import { hasSeats, priceJourney } from '../flights/flight-pricing.js';
import { renderFlightOffer } from '../flights/flight-search.js';
import { groupNights, type HotelOfferView, hotelOfferView, priceStay } from '../hotels/hotel-search.js';
import { formatAmount } from '../money/money.js';
import type { OfferDependencies } from '../search/search-dependencies.js';
import type { SupplierOffers } from '../suppliers/supplier-offers.js';
import { asOfferReference, type FlightOfferReference, type HotelOfferReference } from './offer-reference.js';

export interface PriceConfirmationDependencies extends OfferDependencies {
  /** Confirms offers owned by remote suppliers at the supplier (absent: inventory only). */
  suppliers?: SupplierOffers;
}

export type ConfirmedOffer =
  | { kind: 'flight'; offer: FlightOfferView; reference: FlightOfferReference }
  | { kind: 'hotel'; offer: HotelOfferView; reference: HotelOfferReference };

/** An offer as it stands now, and what it cost when issued when that differs. */
export type RepricedOffer = ConfirmedOffer & {
  /** The total the offer id was issued with, when the live price differs from it. */
  previousPrice?: { total: string; currency: string };
};

/**
 * Re-prices an offer against live inventory, never from a cache. Unknown or forged ids are
 * `offer-not-found`; past `expiresAt` (or departure) `offer-expired`; missing seats or rooms
 * `sold-out`; a different total `price-changed` with both prices.
 */
export class PriceConfirmation {
  readonly #deps: PriceConfirmationDependencies;

  constructor(deps: PriceConfirmationDependencies) {
    this.#deps = deps;
  }

  /** The reference an offer id carries; throws offer-not-found for anything this server did not sign. */
  decode(offerId: string): FlightOfferReference | HotelOfferReference {
    const reference = asOfferReference(this.#deps.signer.verify(offerId));
    if (!reference) throw new DomainError('offer-not-found', 'no offer has this id');
    return reference;
  }

  async confirm(offerId: string): Promise<ConfirmedOffer> {
    const { previousPrice, ...confirmed } = await this.reprice(offerId);
    if (previousPrice !== undefined) {
      throw new DomainError('price-changed', 'the price of this offer has changed', {
        previousPrice,
        price: { ...confirmed.offer.price },
      });
    }
    return confirmed;
  }

  /**
   * The offer at its live price, under a fresh id carrying that price, with the price it was issued
   * at when they differ: for clients that show "the price changed to X, continue?" (as Amadeus's
   * Flight Offers Price answered). Every other failure is thrown as by `confirm`.
   */
  async reprice(offerId: string): Promise<RepricedOffer> {
    const reference = this.decode(offerId);
    if (reference.expiresAt <= this.#deps.clock.now()) {
      throw new DomainError('offer-expired', 'the offer has expired; search again for a current price');
    }
    if (reference.kind === 'flight' && reference.supplier !== undefined) {
      if (!this.#deps.suppliers) throw new DomainError('offer-not-found', 'no offer has this id');
      return { kind: 'flight', ...(await this.#deps.suppliers.confirm(reference)) };
    }
    return reference.kind === 'flight'
      ? { kind: 'flight', ...(await this.#confirmFlight(reference)) }
      : { kind: 'hotel', ...(await this.#confirmHotel(reference)) };
  }

  async #confirmFlight(
    reference: FlightOfferReference,
  ): Promise<{ offer: FlightOfferView; reference: FlightOfferReference; previousPrice?: Price }> {
    const ids = reference.legs.flat();
    const found = new Map((await this.#deps.store.getFlights(ids)).map((f) => [f.id, f]));
    if (ids.some((id) => !found.has(id)))
      throw new DomainError('offer-not-found', 'the offer no longer exists');
    const itineraries = reference.legs.map((leg) => leg.map((id) => found.get(id) as FlightRecord));
    const flights = itineraries.flat();
    if ((flights[0] as FlightRecord).departureUtc <= this.#deps.clock.now()) {
      throw new DomainError('offer-expired', 'the flight has already departed');
    }
    const soldOut = flights.filter((f) => !hasSeats(f, reference.cabin, reference.passengers));
    if (soldOut.length > 0) {
      throw new DomainError('sold-out', 'not enough seats are left for this offer', {
        soldOutSegments: soldOut.map((f) => f.id),
      });
    }
    const carrierNames = new Map(
      (await this.#deps.store.listAirlines([...new Set(flights.map((f) => f.carrier))])).map((a) => [
        a.iata,
        a.name,
      ]),
    );
    const request = { ...reference.passengers, cabin: reference.cabin, currency: reference.currency };
    // Priced by the same step as the search, with the fares in force now: a withdrawn fare ends the offer.
    const quote = priceJourney(itineraries, request, await loadFiledFares(this.#deps, itineraries));
    if (quote === undefined) {
      throw new DomainError('offer-expired', 'no fare applies to this offer any more; search again');
    }
    const offer = renderFlightOffer(
      itineraries,
      request,
      quote,
      reference.expiresAt,
      carrierNames,
      this.#deps,
    );
    const fresh = this.decode(offer.id) as FlightOfferReference;
    return { offer, reference: fresh, ...previous(reference, fresh.total) };
  }

  async #confirmHotel(
    reference: HotelOfferReference,
  ): Promise<{ offer: HotelOfferView; reference: HotelOfferReference; previousPrice?: Price }> {
    const [hotel] = await this.#deps.store.getHotels([reference.hotelId]);
    if (!hotel?.roomTypes.some((r) => r.code === reference.roomType)) {
      throw new DomainError('offer-not-found', 'the offer no longer exists');
    }
    const nights = daysBetween(reference.checkIn, reference.checkOut);
    const stay =
      groupNights(
        await this.#deps.store.findRoomNights([hotel.id], reference.checkIn, reference.checkOut),
      ).get(`${hotel.id}|${reference.roomType}`) ?? [];
    const priced = priceStay(stay, nights, reference.rooms, reference.currency);
    if (!priced) throw new DomainError('sold-out', 'not enough rooms are left for this offer');
    const anchor = this.#deps.airports.byCityCode(hotel.cityCode)[0];
    const distance = anchor ? Math.round(distanceKm(hotel, anchor) * 10) / 10 : 0;
    const fresh: HotelOfferReference = { ...reference, total: priced.total };
    const offer = hotelOfferView(hotel, reference.roomType, fresh, priced, distance, this.#deps.signer);
    return { offer, reference: fresh, ...previous(reference, priced.total) };
  }
}

type Price = { total: string; currency: string };

/** The issued price, when the live total differs from it. */
function previous(reference: { total: number; currency: string }, total: number): { previousPrice?: Price } {
  if (total === reference.total) return {};
  return {
    previousPrice: {
      total: formatAmount({ minor: reference.total, currency: reference.currency }),
      currency: reference.currency,
    },
  };
}
