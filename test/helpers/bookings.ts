import { expect } from 'vitest';

/** The parts of a flight offer the booking tests read. */
export interface FlightOfferLike {
  id: string;
  itineraries: { segments: { id: string; departure: { iataCode: string; atUtc: string; at: string } }[] }[];
  price: { total: string; currency: string };
  seatsLeft: number;
}

export interface PassengerInput {
  type: 'adult' | 'child' | 'infant';
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  title?: 'mr' | 'ms' | 'mrs' | 'miss' | 'dr';
  gender?: 'm' | 'f';
}

/** The passengers with the title and gender some suppliers (Duffel) require. */
export function withTitles(passengers: PassengerInput[]): PassengerInput[] {
  return passengers.map((p) => ({ ...p, title: 'ms', gender: 'f' }));
}

/** Passengers matching `counts`, with dates of birth that fit their type on `travelDate`. */
export function passengersFor(
  counts: { adults: number; children?: number; infants?: number },
  travelDate: string,
): PassengerInput[] {
  const year = Number(travelDate.slice(0, 4));
  const birth = (age: number): string =>
    `${year - age - 1}${travelDate.slice(4)}`.replace(/-02-29$/, '-02-28');
  const list: PassengerInput[] = [];
  for (let i = 0; i < counts.adults; i++)
    list.push({
      type: 'adult',
      givenName: `Ada${'abcdefghi'[i]}`,
      familyName: 'Lovelace',
      dateOfBirth: birth(35),
    });
  for (let i = 0; i < (counts.children ?? 0); i++)
    list.push({
      type: 'child',
      givenName: `Kid${'abcdefghi'[i]}`,
      familyName: 'Lovelace',
      dateOfBirth: birth(7),
    });
  for (let i = 0; i < (counts.infants ?? 0); i++)
    list.push({
      type: 'infant',
      givenName: `Baby${'abcdefghi'[i]}`,
      familyName: 'Lovelace',
      dateOfBirth: daysBefore(travelDate, 100),
    });
  return list;
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

export const contact = { email: 'ada@example.com', phone: '+442071234567' };

/** A booking body for `offerId`. */
export function bookingBody(offerId: string, passengers: PassengerInput[]) {
  return { offerId, passengers, contact };
}

/** HTTP client of the booking routes with one API key and one bearer token. */
export class BookingClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string,
    readonly token: string,
  ) {}

  /** POST /v1/bookings under `idempotencyKey`; `signal` aborts it. */
  book(body: unknown, idempotencyKey: string, signal?: AbortSignal): Promise<Response> {
    return fetch(`${this.baseUrl}/v1/bookings`, {
      method: 'POST',
      ...(signal ? { signal } : {}),
      headers: {
        'x-api-key': this.apiKey,
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify(body),
    });
  }

  get(id: string): Promise<Response> {
    return fetch(`${this.baseUrl}/v1/bookings/${id}`, {
      headers: { 'x-api-key': this.apiKey, authorization: `Bearer ${this.token}` },
    });
  }

  cancel(id: string): Promise<Response> {
    return fetch(`${this.baseUrl}/v1/bookings/${id}/cancel`, {
      method: 'POST',
      headers: { 'x-api-key': this.apiKey, authorization: `Bearer ${this.token}` },
    });
  }
}

/** The search the booking tests book from: direct flights LHR→JFK departing on `date`. */
export const directLhrJfk = (date: string): string =>
  `origin=LHR&destination=JFK&departureDate=${date}&maxStops=0`;

/** A flight search's offers and its `x-cache` header. */
export interface SearchAnswer {
  cache: string | null;
  offers: FlightOfferLike[];
}

/** Runs a flight search (`query` as in the URL) on `baseUrl`; expects 200. */
export async function searchFlights(baseUrl: string, apiKey: string, query: string): Promise<SearchAnswer> {
  const response = await fetch(`${baseUrl}/v1/flights/search?${query}`, { headers: { 'x-api-key': apiKey } });
  expect(response.status).toBe(200);
  return {
    cache: response.headers.get('x-cache'),
    offers: ((await response.json()) as { data: FlightOfferLike[] }).data,
  };
}

/** The first flight offer of a search on `baseUrl`. */
export async function firstFlightOffer(
  baseUrl: string,
  apiKey: string,
  query: string,
): Promise<FlightOfferLike> {
  const { offers } = await searchFlights(baseUrl, apiKey, query);
  expect(offers.length).toBeGreaterThan(0);
  return offers[0]!;
}

/** Total price of the offer whose first segment is `flightId`, if the offers hold one. */
export const priceOfFlight = (offers: readonly FlightOfferLike[], flightId: string): string | undefined =>
  offers.find((o) => o.itineraries[0]!.segments[0]!.id === flightId)?.price.total;

/** A booking body for one adult on the first segment of `offer`. */
export function oneAdultBooking(offer: FlightOfferLike) {
  return bookingBody(
    offer.id,
    passengersFor({ adults: 1 }, offer.itineraries[0]!.segments[0]!.departure.at.slice(0, 10)),
  );
}

/** Runs `tasks` with at most `concurrency` in flight; results in task order. */
export async function runBounded<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await (tasks[i] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}
