import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/ports/events.js';
import { amadeusSdk, sdkFailure } from '../helpers/amadeus-sdk.js';
import { bookingBody, type PassengerInput, passengersFor, withTitles } from '../helpers/bookings.js';
import {
  type FixtureFlight,
  type FixtureSupplier,
  startDuffelFixture,
  startGenericFixture,
} from '../helpers/supplier-servers.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

const LHR = { iata: 'LHR', city: 'LON', timeZone: 'Europe/London', lat: 51.47, lon: -0.4543 };
const JFK = { iata: 'JFK', city: 'NYC', timeZone: 'America/New_York', lat: 40.6398, lon: -73.7789 };
const BA117: FixtureFlight = {
  carrier: 'BA',
  carrierName: 'British Airways',
  number: '117',
  origin: LHR,
  destination: JFK,
  departs: '10:00:00',
  arrives: '14:00:00',
  total: '400.00',
  currency: 'EUR',
};
const SMALL = { airports: 12, days: 4 };

interface BookingView {
  data: { id: string; status: string; passengers: PassengerInput[] };
}
interface ProblemBody {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

/** A client of one platform: searches, books and cancels as one user. */
function client(tp: TestPlatform, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  let keys = 0;
  return {
    async offerId(day: number): Promise<string> {
      const response = await tp.fetch(
        `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(day)}&adults=1&currency=EUR`,
      );
      const body = (await response.json()) as { data: { id: string }[] };
      expect(body.data.length, JSON.stringify(body)).toBeGreaterThan(0);
      return body.data[0]!.id;
    },
    book(offerId: string, passengers: PassengerInput[]): Promise<Response> {
      return tp.fetch('/v1/bookings', {
        method: 'POST',
        headers: { ...auth, 'idempotency-key': `cancel-test-${++keys}`, 'content-type': 'application/json' },
        body: JSON.stringify(bookingBody(offerId, passengers)),
      });
    },
    async booked(day: number, passengers = withTitles(passengersFor({ adults: 1 }, tp.date(day)))) {
      const response = await this.book(await this.offerId(day), passengers);
      expect(response.status, await response.clone().text()).toBe(201);
      return ((await response.json()) as BookingView).data.id;
    },
    cancel: (id: string): Promise<Response> =>
      tp.fetch(`/v1/bookings/${id}/cancel`, { method: 'POST', headers: auth }),
    async status(id: string): Promise<string> {
      return ((await (await tp.fetch(`/v1/bookings/${id}`, { headers: auth })).json()) as BookingView).data
        .status;
    },
  };
}

const count = (supplier: FixtureSupplier, call: string | RegExp): number =>
  supplier.calls.filter((c) => (typeof call === 'string' ? c === call : call.test(c))).length;

describe('cancelling a Duffel booking', () => {
  let tp: TestPlatform;
  let duffel: FixtureSupplier;
  let alice: ReturnType<typeof client>;
  const events: CloudEvent[] = [];

  beforeAll(async () => {
    duffel = await startDuffelFixture([BA117]);
    tp = await startTestPlatform({
      ...SMALL,
      env: {
        SUPPLIERS: 'duffel',
        DUFFEL_URL: duffel.url,
        DUFFEL_TOKEN: 'duffel_test_fixture',
        // Every supplier failure reaches the client, so the client's own retries are what is tested.
        SUPPLIER_RETRIES: '0',
        SUPPLIER_VOLUME_THRESHOLD: '2',
        SUPPLIER_ERROR_THRESHOLD_PERCENT: '50',
        SUPPLIER_OPEN_MS: '1500',
      },
    });
    await tp.platform.events.bus.subscribe('cancellation-observer', async (event) => {
      events.push(event);
    });
    alice = client(tp, await tp.platform.gateway.options.issuer!.mint('alice'));
  });
  afterAll(async () => {
    await tp?.close();
    await duffel?.close();
  });

  it('cancels the order at Duffel (a quote, then its confirmation) before the booking, once however often the client retries', async () => {
    const id = await alice.booked(2);
    const order = duffel.bodies.at(-1) as { data: { passengers: { title: string; gender: string }[] } };
    expect(order.data.passengers[0]).toMatchObject({ title: 'ms', gender: 'f' });

    const responses = await Promise.all([alice.cancel(id), alice.cancel(id), alice.cancel(id)]);
    for (const response of responses) {
      expect(response.status, await response.clone().text()).toBe(200);
      expect(((await response.json()) as BookingView).data.status).toBe('cancelled');
    }
    expect((await alice.cancel(id)).status).toBe(200);

    expect(duffel.cancellations).toEqual(['ord_0000fixture']);
    expect(duffel.bodies).toContainEqual({ data: { order_id: 'ord_0000fixture' } });
    expect(count(duffel, 'POST /air/order_cancellations')).toBe(1);
    expect(count(duffel, /^POST \/air\/order_cancellations\/ore_\w+\/actions\/confirm$/)).toBe(1);
    await waitFor('the cancellation event', () =>
      events.some(
        (e) => e.type === 'booking.cancelled' && (e.data as { bookingId: string }).bookingId === id,
      ),
    );
    const cancelled = events.filter(
      (e) => e.type === 'booking.cancelled' && (e.data as { bookingId: string }).bookingId === id,
    );
    expect(cancelled).toHaveLength(1);
    // The fixture refunds 90 %: what Duffel says it refunds travels with the event.
    expect((cancelled[0]?.data as { supplierRefund?: unknown } | undefined)?.supplierRefund).toEqual({
      amount: '360.00',
      currency: 'EUR',
    });
  });

  it('when the confirmation’s answer is lost, answers 503 and keeps the booking; the retry cancels it without confirming twice', async () => {
    const id = await alice.booked(3);
    duffel.dropNextCancellationAnswer = true;
    const lost = await alice.cancel(id);
    expect(lost.status).toBe(503);
    expect(lost.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(lost.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await alice.status(id)).toBe('confirmed');
    // Duffel did cancel it: the booking is still shown confirmed until the retry learns so.
    expect(duffel.cancellations).toEqual(['ord_0000fixture', 'ord_0001fixture']);

    const retried = await alice.cancel(id);
    expect(retried.status, await retried.clone().text()).toBe(200);
    expect(await alice.status(id)).toBe('cancelled');
    expect(duffel.cancellations).toEqual(['ord_0000fixture', 'ord_0001fixture']);
  });

  it('when Duffel refuses to cancel, answers 409 booking-not-cancellable and the booking stays confirmed', async () => {
    const id = await alice.booked(1);
    const confirmsBefore = count(duffel, /actions\/confirm$/);
    duffel.refuseCancellation = true;
    try {
      const refused = await alice.cancel(id);
      expect(refused.status).toBe(409);
      const problem = (await refused.json()) as ProblemBody & { supplier: string; reason: string };
      expect(problem.type).toMatch(/booking-not-cancellable$/);
      expect(problem.supplier).toBe('duffel');
      expect(problem.reason).toMatch(/does not allow cancelling/);
      expect(await alice.status(id)).toBe('confirmed');
      expect(count(duffel, /actions\/confirm$/)).toBe(confirmsBefore);
      // A refusal is an answer, not a failure: the breaker stays closed.
      expect(tp.platform.services.supplierCircuits().duffel).toBe('closed');
    } finally {
      duffel.refuseCancellation = false;
    }
    expect((await alice.cancel(id)).status).toBe(200);
  });

  it('booking a Duffel offer without title or gender answers 400 naming each missing field and orders nothing', async () => {
    const ordersBefore = count(duffel, 'POST /air/orders');
    const [passenger] = passengersFor({ adults: 1 }, tp.date(2));
    const response = await alice.book(await alice.offerId(2), [{ ...passenger!, gender: 'm' }]);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as ProblemBody;
    expect(problem.type).toMatch(/validation-failed$/);
    expect(problem.errors).toEqual([
      { field: 'body.passengers.0.title', message: "is required by this offer's supplier" },
    ]);
    expect(count(duffel, 'POST /air/orders')).toBe(ordersBefore);
  });

  it('while Duffel is down the breaker opens: cancelling answers 503 without calling Duffel, then works once it recovers', async () => {
    const id = await alice.booked(2);
    duffel.failWith = 500;
    // Until failures outweigh the earlier tests' successes in the breaker's rolling window.
    for (let i = 0; i < 100 && tp.platform.services.supplierCircuits().duffel !== 'open'; i++) {
      const failed = await alice.cancel(id);
      expect(failed.status).toBe(503);
    }
    expect(tp.platform.services.supplierCircuits().duffel).toBe('open');
    const callsWhenOpen = duffel.calls.length;
    const whileOpen = await alice.cancel(id);
    expect(whileOpen.status).toBe(503);
    expect(whileOpen.headers.get('retry-after')).not.toBeNull();
    expect(((await whileOpen.json()) as ProblemBody).type).toMatch(/service-unavailable$/);
    expect(duffel.calls.length).toBe(callsWhenOpen);
    duffel.failWith = undefined;
    expect(await alice.status(id)).toBe('confirmed');

    await waitFor(
      'the half-open probe',
      () => tp.platform.services.supplierCircuits().duffel === 'half-open',
    );
    const recovered = await alice.cancel(id);
    expect(recovered.status, await recovered.clone().text()).toBe(200);
    expect(await alice.status(id)).toBe('cancelled');
    expect(duffel.cancellations.filter((o) => o === duffel.cancellations.at(-1))).toHaveLength(1);
  });
});

describe('cancelling a booking of a generic HTTP supplier', () => {
  let tp: TestPlatform;
  let generic: FixtureSupplier;
  let alice: ReturnType<typeof client>;

  beforeAll(async () => {
    generic = await startGenericFixture([BA117]);
    tp = await startTestPlatform({
      ...SMALL,
      env: { SUPPLIERS: 'http', SUPPLIER_HTTP_URL: generic.url, SUPPLIER_RETRIES: '1' },
    });
    alice = client(tp, await tp.platform.gateway.options.issuer!.mint('alice'));
  });
  afterAll(async () => {
    await tp?.close();
    await generic?.close();
  });

  it('books without title or gender, and cancels with POST /orders/{orderId}/cancel once', async () => {
    const id = await alice.booked(2, passengersFor({ adults: 1 }, tp.date(2)));
    expect((await alice.cancel(id)).status).toBe(200);
    expect((await alice.cancel(id)).status).toBe(200);
    expect(generic.cancellations).toEqual(['gen-order-1']);
    expect(count(generic, 'POST /orders/gen-order-1/cancel')).toBe(1);
  });

  it('a lost answer is retried by the platform (cancelling is idempotent) and cancels once', async () => {
    const id = await alice.booked(3, passengersFor({ adults: 1 }, tp.date(3)));
    generic.dropNextCancellationAnswer = true;
    const response = await alice.cancel(id);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(count(generic, 'POST /orders/gen-order-2/cancel')).toBe(2);
    expect(generic.cancellations).toEqual(['gen-order-1', 'gen-order-2']);
  });

  it('a refusal (409 not-cancellable) is 409 booking-not-cancellable and the booking stays confirmed', async () => {
    const id = await alice.booked(1, passengersFor({ adults: 1 }, tp.date(1)));
    generic.refuseCancellation = true;
    try {
      const refused = await alice.cancel(id);
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as ProblemBody).type).toMatch(/booking-not-cancellable$/);
      expect(await alice.status(id)).toBe('confirmed');
    } finally {
      generic.refuseCancellation = false;
    }
  });
});

describe('the Amadeus-compatible order routes with a Duffel offer', () => {
  let tp: TestPlatform;
  let duffel: FixtureSupplier;

  beforeAll(async () => {
    duffel = await startDuffelFixture([BA117]);
    tp = await startTestPlatform({
      ...SMALL,
      env: { SUPPLIERS: 'duffel', DUFFEL_URL: duffel.url, DUFFEL_TOKEN: 'duffel_test_fixture' },
    });
  });
  afterAll(async () => {
    await tp?.close();
    await duffel?.close();
  });

  it('sends the traveller’s gender with a title to Duffel, and DELETE cancels the order at Duffel', async () => {
    const issued = await tp.platform.gateway.options.keys.issue({ name: 'amadeus app', plan: 'partner' });
    const sdk = amadeusSdk(tp.baseUrl, issued.record.id, issued.key);
    const [offer] = (
      await sdk.shopping.flightOffersSearch.get({
        originLocationCode: 'LHR',
        destinationLocationCode: 'JFK',
        departureDate: tp.date(2),
        adults: '1',
      })
    ).data;
    const traveler = {
      id: '1',
      dateOfBirth: '1982-01-16',
      name: { firstName: 'ANA', lastName: 'GARCIA' },
      gender: 'FEMALE',
      contact: {
        emailAddress: 'ana@example.com',
        phones: [{ deviceType: 'MOBILE', countryCallingCode: '34', number: '480080076' }],
      },
    };
    const created = await sdk.booking.flightOrders.post({
      data: { type: 'flight-order', flightOffers: [offer], travelers: [traveler] },
    });
    expect(created.statusCode).toBe(201);
    expect(created.data.travelers[0]).toMatchObject({ gender: 'FEMALE' });
    const order = duffel.bodies.at(-1) as { data: { passengers: { title: string; gender: string }[] } };
    expect(order.data.passengers[0]).toMatchObject({ title: 'ms', gender: 'f' });

    const deleted = await sdk.booking.flightOrder(created.data.id).delete();
    expect(deleted.statusCode).toBe(204);
    expect(duffel.cancellations).toEqual(['ord_0000fixture']);
    expect((await sdkFailure(sdk.booking.flightOrder(created.data.id).delete())).code).toBe('NotFoundError');
    expect(duffel.cancellations).toEqual(['ord_0000fixture']);
  });

  it('without a gender the order is refused naming the traveller’s fields, and nothing is ordered', async () => {
    const issued = await tp.platform.gateway.options.keys.issue({ name: 'amadeus app 2', plan: 'partner' });
    const sdk = amadeusSdk(tp.baseUrl, issued.record.id, issued.key);
    const [offer] = (
      await sdk.shopping.flightOffersSearch.get({
        originLocationCode: 'LHR',
        destinationLocationCode: 'JFK',
        departureDate: tp.date(3),
        adults: '1',
      })
    ).data;
    const ordersBefore = count(duffel, 'POST /air/orders');
    const refused = await sdkFailure(
      sdk.booking.flightOrders.post({
        data: {
          type: 'flight-order',
          flightOffers: [offer],
          travelers: [
            {
              id: '1',
              dateOfBirth: '1982-01-16',
              name: { firstName: 'ANA', lastName: 'GARCIA' },
              contact: {
                emailAddress: 'ana@example.com',
                phones: [{ deviceType: 'MOBILE', countryCallingCode: '34', number: '480080076' }],
              },
            },
          ],
        },
      }),
    );
    expect(refused.response.statusCode).toBe(400);
    const pointers = (refused.description as { source?: { pointer?: string } }[]).map(
      (e) => e.source?.pointer,
    );
    expect(pointers).toEqual(['/data/travelers/0/title', '/data/travelers/0/gender']);
    expect(count(duffel, 'POST /air/orders')).toBe(ordersBefore);
  });
});
