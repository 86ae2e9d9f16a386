import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One flight a fixture supplier sells: enough to build Duffel's or the generic contract's offer. */
export interface FixtureFlight {
  carrier: string;
  carrierName: string;
  number: string;
  origin: { iata: string; city: string; timeZone: string; lat: number; lon: number };
  destination: { iata: string; city: string; timeZone: string; lat: number; lon: number };
  /** Local times at origin and destination, no offset ("HH:MM:SS"). */
  departs: string;
  arrives: string;
  /** Days after the departure date the arrival is on. */
  arrivalDayOffset?: number;
  /** Total as a decimal string. */
  total: string;
  currency: string;
}

/** What a test can steer and observe on a fixture supplier. */
export interface FixtureSupplier {
  url: string;
  /** Requests received, by `METHOD path` (query string removed). */
  calls: string[];
  /** Headers of the last request. */
  lastHeaders: IncomingMessage['headers'];
  /** Bodies of POST requests, parsed. */
  bodies: unknown[];
  /** Delay before answering, ms. */
  delayMs: number;
  /** When set, every request is answered with this status and an error body. */
  failWith?: number;
  /** Requests answered (sent in full). */
  answered: number;
  flights: FixtureFlight[];
  /** Replaces the total of every offer from now on (a fare change at the airline). */
  repriceTo?: string;
  /** The airline re-prices at the moment of ordering: the order is refused and the offer costs this from then on. */
  repriceAtOrder?: string;
  /** Order ids as each cancellation took effect at the supplier: an order cancelled twice is listed twice. */
  cancellations: string[];
  /** The supplier refuses to cancel orders (fare rules). */
  refuseCancellation?: boolean;
  /** The next cancellation takes effect but its answer is lost (the connection drops). */
  dropNextCancellationAnswer?: boolean;
  close(): Promise<void>;
}

/** What a fixture handler answers; `drop` closes the connection without an answer. */
interface FixtureAnswer {
  status: number;
  body: unknown;
  drop?: boolean;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

async function listen(
  handler: (request: IncomingMessage, body: unknown, fixture: FixtureSupplier) => FixtureAnswer,
  flights: FixtureFlight[],
): Promise<FixtureSupplier> {
  const sockets = new Set<import('node:net').Socket>();
  const fixture: FixtureSupplier = {
    url: '',
    calls: [],
    lastHeaders: {},
    bodies: [],
    delayMs: 0,
    answered: 0,
    flights,
    cancellations: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      fixture.calls.push(`${request.method} ${(request.url ?? '').split('?')[0]}`);
      fixture.lastHeaders = request.headers;
      if (request.method === 'POST') fixture.bodies.push(body);
      if (fixture.delayMs > 0) await new Promise((r) => setTimeout(r, fixture.delayMs));
      const answer: FixtureAnswer =
        fixture.failWith !== undefined
          ? {
              status: fixture.failWith,
              body: {
                errors: [
                  {
                    type: 'api_error',
                    code: 'internal_server_error',
                    title: 'Server error',
                    message: 'fixture failure',
                  },
                ],
              },
            }
          : handler(request, body, fixture);
      if (answer.drop) {
        request.socket.destroy();
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body), () => {
        fixture.answered++;
      });
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fixture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fixture;
}

/** A Duffel offer for `flight` on `date`, shaped as Duffel's API reference documents an Offer. */
function duffelOffer(flight: FixtureFlight, date: string, id: string, total: string, passengers: unknown[]) {
  const arrivalDate = new Date(Date.parse(`${date}T00:00:00Z`) + (flight.arrivalDayOffset ?? 0) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const place = (p: FixtureFlight['origin']) => ({
    type: 'airport',
    iata_code: p.iata,
    iata_city_code: p.city,
    iata_country_code: 'GB',
    name: `${p.iata} airport`,
    time_zone: p.timeZone,
    latitude: p.lat,
    longitude: p.lon,
  });
  const total2 = Number(total);
  return {
    id,
    live_mode: false,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    expires_at: new Date(Date.now() + 30 * 60_000).toISOString(),
    total_amount: total,
    total_currency: flight.currency,
    base_amount: (total2 * 0.8).toFixed(2),
    base_currency: flight.currency,
    tax_amount: (total2 - Number((total2 * 0.8).toFixed(2))).toFixed(2),
    tax_currency: flight.currency,
    total_emissions_kg: '460',
    owner: { id: `arl_${flight.carrier}`, iata_code: flight.carrier, name: flight.carrierName },
    passenger_identity_documents_required: false,
    payment_requirements: {
      requires_instant_payment: false,
      price_guarantee_expires_at: null,
      payment_required_by: null,
    },
    conditions: { refund_before_departure: null, change_before_departure: null },
    passengers: passengers.map((p, i) => ({ id: `pas_${i}`, ...(p as object) })),
    slices: [
      {
        id: `sli_${id}`,
        origin: place(flight.origin),
        destination: place(flight.destination),
        duration: 'PT8H',
        fare_brand_name: 'Basic',
        segments: [
          {
            id: `seg_${id}`,
            origin: place(flight.origin),
            destination: place(flight.destination),
            departing_at: `${date}T${flight.departs}`,
            arriving_at: `${arrivalDate}T${flight.arrives}`,
            duration: 'PT8H',
            distance: null,
            marketing_carrier: {
              id: `arl_${flight.carrier}`,
              iata_code: flight.carrier,
              name: flight.carrierName,
            },
            marketing_carrier_flight_number: flight.number,
            operating_carrier: {
              id: `arl_${flight.carrier}`,
              iata_code: flight.carrier,
              name: flight.carrierName,
            },
            operating_carrier_flight_number: flight.number,
            aircraft: { id: 'arc_00009UhD4ongolulWd91Ky', iata_code: '77W', name: 'Boeing 777-300ER' },
            passengers: passengers.map((_, i) => ({
              passenger_id: `pas_${i}`,
              cabin_class: 'economy',
              cabin_class_marketing_name: 'Economy',
              fare_basis_code: 'OXZ0RO',
              baggages: [{ type: 'checked', quantity: 1 }],
            })),
          },
        ],
      },
    ],
  };
}

/** A Duffel order cancellation as its API reference documents one. */
interface DuffelCancellation {
  id: string;
  order_id: string;
  live_mode: boolean;
  created_at: string;
  expires_at: string;
  confirmed_at: string | null;
  refund_amount: string;
  refund_currency: string;
  refund_to: 'balance';
  airline_credits: [];
}

/**
 * A local server answering like Duffel's API: `POST /air/offer_requests` (201 with the offer request
 * and its offers), `GET /air/offers/{id}`, `POST /air/orders` (201; 422 `price_changed` when the
 * payment does not match the current total; 422 `validation_error` without each passenger's title
 * and gender), order cancellations (`GET /air/order_cancellations?order_id=`, `POST
 * /air/order_cancellations` a quote, `POST /air/order_cancellations/{id}/actions/confirm`, only the
 * newest quote of a live order), all in `{data: …}` bodies, errors as `{errors: […], meta}`.
 */
export function startDuffelFixture(flights: FixtureFlight[]): Promise<FixtureSupplier> {
  const offers = new Map<string, { flight: FixtureFlight; date: string; passengers: unknown[] }>();
  const orders = new Map<string, { total: string; currency: string }>();
  const cancellations: DuffelCancellation[] = [];
  const error = (status: number, type: string, code: string, message: string) => ({
    status,
    body: {
      errors: [
        {
          type,
          code,
          title: code,
          message,
          documentation_url: `https://duffel.com/docs/api/overview/errors`,
        },
      ],
      meta: { status, request_id: 'FixtureRequestId' },
    },
  });
  return listen((request, body, fixture) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    const total = (flight: FixtureFlight): string => fixture.repriceTo ?? flight.total;
    if (request.headers['duffel-version'] !== 'v2' || !request.headers.authorization?.startsWith('Bearer ')) {
      return error(
        400,
        'invalid_request_error',
        'unsupported_version',
        'Duffel-Version and a bearer token are required',
      );
    }
    if (request.method === 'POST' && path === '/air/offer_requests') {
      const data = (body as { data: { slices: { departure_date: string }[]; passengers: unknown[] } }).data;
      const date = data.slices[0]?.departure_date ?? '';
      const list = fixture.flights.map((flight, i) => {
        const id = `off_${flight.carrier}${flight.number}_${date.replaceAll('-', '')}_${i}`;
        offers.set(id, { flight, date, passengers: data.passengers });
        return duffelOffer(flight, date, id, total(flight), data.passengers);
      });
      return {
        status: 201,
        body: {
          data: {
            id: 'orq_fixture',
            live_mode: false,
            slices: data.slices,
            passengers: data.passengers,
            cabin_class: 'economy',
            offers: list,
          },
        },
      };
    }
    const offerMatch = /^\/air\/offers\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && offerMatch) {
      const known = offers.get(decodeURIComponent(offerMatch[1] ?? ''));
      if (!known)
        return error(
          422,
          'invalid_state_error',
          'offer_no_longer_available',
          'The offer is no longer available',
        );
      return {
        status: 200,
        body: {
          data: duffelOffer(
            known.flight,
            known.date,
            offerMatch[1] ?? '',
            total(known.flight),
            known.passengers,
          ),
        },
      };
    }
    if (request.method === 'POST' && path === '/air/orders') {
      const data = (
        body as { data: { selected_offers: string[]; payments: { amount: string; currency: string }[] } }
      ).data;
      const id = data.selected_offers[0] ?? '';
      const known = offers.get(id);
      if (!known)
        return error(
          422,
          'invalid_state_error',
          'offer_no_longer_available',
          'The offer is no longer available',
        );
      if (fixture.repriceAtOrder !== undefined) {
        fixture.repriceTo = fixture.repriceAtOrder;
        fixture.repriceAtOrder = undefined;
      }
      if (data.payments[0]?.amount !== total(known.flight)) {
        return error(422, 'invalid_state_error', 'price_changed', 'The price of the offer has changed');
      }
      const passengers = (body as { data: { passengers: { title?: string; gender?: string }[] } }).data
        .passengers;
      const incomplete = passengers.findIndex((p) => !p.title || !p.gender);
      if (incomplete >= 0) {
        return error(
          422,
          'validation_error',
          'validation_required',
          `passengers[${incomplete}]: field is required`,
        );
      }
      const orderId = `ord_${String(orders.size).padStart(4, '0')}fixture`;
      orders.set(orderId, { total: total(known.flight), currency: known.flight.currency });
      return {
        status: 201,
        body: {
          data: {
            id: orderId,
            booking_reference: `RZPN${String(orders.size).padStart(2, '0')}`,
            total_amount: total(known.flight),
            total_currency: known.flight.currency,
            live_mode: false,
          },
        },
      };
    }
    if (request.method === 'GET' && path === '/air/order_cancellations') {
      const orderId = new URL(request.url ?? '', 'http://fixture').searchParams.get('order_id');
      return {
        status: 200,
        body: {
          data: cancellations.filter((c) => orderId === null || c.order_id === orderId),
          meta: { limit: 50, after: null, before: null },
        },
      };
    }
    if (request.method === 'POST' && path === '/air/order_cancellations') {
      const orderId = (body as { data: { order_id: string } }).data.order_id;
      const order = orders.get(orderId);
      if (!order) return error(404, 'invalid_request_error', 'not_found', 'The order was not found');
      if (cancellations.some((c) => c.order_id === orderId && c.confirmed_at !== null)) {
        return error(422, 'invalid_state_error', 'order_already_cancelled', 'The order is already cancelled');
      }
      if (fixture.refuseCancellation) {
        return error(
          422,
          'airline_error',
          'cancellation_not_allowed',
          'The airline does not allow cancelling this order',
        );
      }
      const quote: DuffelCancellation = {
        id: `ore_${String(cancellations.length).padStart(4, '0')}fixture`,
        order_id: orderId,
        live_mode: false,
        created_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 15 * 60_000).toISOString(),
        confirmed_at: null,
        refund_amount: (Number(order.total) * 0.9).toFixed(2),
        refund_currency: order.currency,
        refund_to: 'balance',
        airline_credits: [],
      };
      cancellations.push(quote);
      return { status: 201, body: { data: quote } };
    }
    const confirmMatch = /^\/air\/order_cancellations\/([^/]+)\/actions\/confirm$/.exec(path);
    if (request.method === 'POST' && confirmMatch) {
      const quote = cancellations.find((c) => c.id === confirmMatch[1]);
      if (!quote) return error(404, 'invalid_request_error', 'not_found', 'The cancellation was not found');
      const ofOrder = cancellations.filter((c) => c.order_id === quote.order_id);
      if (ofOrder.some((c) => c.confirmed_at !== null) || ofOrder.at(-1) !== quote) {
        return error(
          422,
          'invalid_state_error',
          'order_already_cancelled',
          'Only the newest quote of a live order can be confirmed',
        );
      }
      quote.confirmed_at = new Date().toISOString();
      fixture.cancellations.push(quote.order_id);
      const drop = fixture.dropNextCancellationAnswer === true;
      fixture.dropNextCancellationAnswer = undefined;
      return { status: 200, body: { data: quote }, drop };
    }
    return error(404, 'invalid_request_error', 'not_found', 'not found');
  }, flights);
}

/**
 * A local server speaking the generic supplier contract of docs/suppliers.md: search, `GET
 * /offers/{reference}`, `POST /orders`, and `POST /orders/{orderId}/cancel` (idempotent: a cancelled
 * order answers its cancellation again; 409 `not-cancellable` when refusing, 404 `order-not-found`).
 */
export function startGenericFixture(flights: FixtureFlight[]): Promise<FixtureSupplier> {
  const offers = new Map<string, ReturnType<typeof genericOffer>>();
  const orders = new Map<string, { price: unknown; cancelledAt?: string }>();
  return listen((request, body, fixture) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    // A fare change at the airline (`repriceTo`) applies to every offer it sold, from now on.
    const current = (offer: ReturnType<typeof genericOffer>) =>
      fixture.repriceTo === undefined
        ? offer
        : { ...offer, price: { ...offer.price, total: fixture.repriceTo, base: fixture.repriceTo } };
    if (request.method === 'POST' && path === '/flights/search') {
      const query = body as { departureDate: string; cabin: string };
      const list = fixture.flights.map((flight) => genericOffer(flight, query));
      for (const offer of list) offers.set(offer.reference, offer);
      return { status: 200, body: { offers: list.map(current) } };
    }
    const offerMatch = /^\/offers\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && offerMatch) {
      const offer = offers.get(decodeURIComponent(offerMatch[1] ?? ''));
      return offer
        ? { status: 200, body: { offer: current(offer) } }
        : { status: 410, body: { error: 'offer-gone' } };
    }
    if (request.method === 'POST' && path === '/orders') {
      const order = body as { reference: string; price: { total: string } };
      const sold = offers.get(order.reference);
      if (!sold) return { status: 410, body: { error: 'offer-gone' } };
      const offer = current(sold);
      if (offer.price.total !== order.price.total) {
        return { status: 409, body: { error: 'price-changed', price: offer.price } };
      }
      const orderId = `gen-order-${orders.size + 1}`;
      orders.set(orderId, { price: offer.price });
      return {
        status: 201,
        body: { order: { orderId, bookingReference: `GEN${orders.size}`, price: offer.price } },
      };
    }
    const cancelMatch = /^\/orders\/([^/]+)\/cancel$/.exec(path);
    if (request.method === 'POST' && cancelMatch) {
      const orderId = decodeURIComponent(cancelMatch[1] ?? '');
      const order = orders.get(orderId);
      if (!order) return { status: 404, body: { error: 'order-not-found' } };
      if (order.cancelledAt === undefined) {
        if (fixture.refuseCancellation) {
          return { status: 409, body: { error: 'not-cancellable', message: 'non-refundable fare' } };
        }
        order.cancelledAt = new Date().toISOString();
        fixture.cancellations.push(orderId);
      }
      const drop = fixture.dropNextCancellationAnswer === true;
      fixture.dropNextCancellationAnswer = undefined;
      return {
        status: 200,
        body: {
          cancellation: {
            orderId,
            cancelledAt: order.cancelledAt,
            refund: { amount: '0.00', currency: 'EUR' },
          },
        },
        drop,
      };
    }
    return { status: 404, body: { error: 'not-found' } };
  }, flights);
}

/** An offer for `flight` in the generic contract's shape (the platform's own offer shape). */
function genericOffer(flight: FixtureFlight, query: { departureDate: string; cabin: string }) {
  const arrivalDate = new Date(
    Date.parse(`${query.departureDate}T00:00:00Z`) + (flight.arrivalDayOffset ?? 0) * 86_400_000,
  )
    .toISOString()
    .slice(0, 10);
  const at = (date: string, local: string, tz: string) => `${date}T${local}${zoneOffset(date, tz)}`;
  const departure = at(query.departureDate, flight.departs, flight.origin.timeZone);
  const arrival = at(arrivalDate, flight.arrives, flight.destination.timeZone);
  return {
    reference: `gen-${flight.carrier}${flight.number}-${query.departureDate}`,
    cabin: query.cabin,
    itineraries: [
      {
        direction: 'outbound',
        duration: 'PT8H',
        stops: 0,
        segments: [
          {
            id: `gen:${flight.carrier}${flight.number}`,
            carrierCode: flight.carrier,
            carrierName: flight.carrierName,
            flightNumber: `${flight.carrier}${flight.number}`,
            aircraft: 'Boeing 777-300ER',
            departure: { iataCode: flight.origin.iata, cityCode: flight.origin.city, at: departure },
            arrival: {
              iataCode: flight.destination.iata,
              cityCode: flight.destination.city,
              at: arrival,
            },
            duration: 'PT8H',
            distanceKm: 5540,
            cabin: query.cabin,
            seatsLeft: 9,
          },
        ],
      },
    ],
    price: { total: flight.total, base: flight.total, taxes: '0.00', currency: flight.currency },
    travelerPricings: [],
    seatsLeft: 9,
    validatingCarrier: flight.carrier,
    lastTicketingDate: query.departureDate,
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
  };
}

/** "+HH:MM" offset of `timeZone` at noon UTC of `date`. */
function zoneOffset(date: string, timeZone: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(`${date}T12:00:00Z`))
    .find((p) => p.type === 'timeZoneName')?.value;
  const offset = name?.replace('GMT', '') ?? '';
  return offset === '' ? '+00:00' : offset;
}
