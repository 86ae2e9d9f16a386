import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingBody, passengersFor, withTitles } from '../helpers/bookings.js';
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
const flight = (number: string, departs: string, total: string): FixtureFlight => ({
  carrier: 'BA',
  carrierName: 'British Airways',
  number,
  origin: LHR,
  destination: JFK,
  departs,
  arrives: '14:00:00',
  total,
  currency: 'EUR',
});

interface SearchBody {
  data: {
    id: string;
    source: string;
    price: { total: string };
    itineraries: { segments: { flightNumber: string; departure: { atUtc: string } }[] }[];
  }[];
  meta: { partial: boolean; suppliers?: Record<string, { status: string; offers: number }> };
}

const SMALL = { airports: 12, days: 4 };

async function search(
  tp: TestPlatform,
  day = 2,
): Promise<{ status: number; cache: string | null; body: SearchBody }> {
  const response = await tp.fetch(
    `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(day)}&adults=1&currency=EUR`,
  );
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    body: (await response.json()) as SearchBody,
  };
}

describe('two suppliers selling the same flight', () => {
  let tp: TestPlatform;
  let duffel: FixtureSupplier;
  let generic: FixtureSupplier;

  beforeAll(async () => {
    duffel = await startDuffelFixture([
      flight('117', '10:00:00', '400.00'),
      flight('175', '13:00:00', '520.00'),
    ]);
    generic = await startGenericFixture([
      flight('117', '10:00:00', '450.00'),
      flight('179', '18:00:00', '480.00'),
    ]);
    tp = await startTestPlatform({
      ...SMALL,
      env: {
        SUPPLIERS: 'duffel,http',
        DUFFEL_URL: duffel.url,
        DUFFEL_TOKEN: 'duffel_test_fixture',
        SUPPLIER_HTTP_URL: generic.url,
        SUPPLIER_HTTP_TOKEN: 'generic-token',
      },
    });
  });
  afterAll(async () => {
    await tp?.close();
    await duffel?.close();
    await generic?.close();
  });

  it('keeps the flight once, at the lower price, and ranks the merged offers by price', async () => {
    const { status, body } = await search(tp);
    expect(status).toBe(200);
    expect(body.meta.suppliers).toEqual({
      duffel: { status: 'answered', offers: 2 },
      http: { status: 'answered', offers: 2 },
    });
    expect(body.meta.partial).toBe(false);
    const flights = body.data.map((o) => [
      o.itineraries[0]?.segments[0]?.flightNumber,
      o.source,
      o.price.total,
    ]);
    expect(flights).toEqual([
      ['BA117', 'duffel', '400.00'],
      ['BA179', 'http', '480.00'],
      ['BA175', 'duffel', '520.00'],
    ]);
    // Duffel's local 10:00 in London and the contract's offset time are the same instant.
    expect(body.data[0]?.itineraries[0]?.segments[0]?.departure.atUtc).toMatch(/T(09|10):00:00Z$/);
  });

  it('speaks Duffel: Duffel-Version, a bearer token, {data} bodies, supplier_timeout', async () => {
    expect(duffel.lastHeaders['duffel-version']).toBe('v2');
    expect(duffel.lastHeaders.authorization).toBe('Bearer duffel_test_fixture');
    expect(generic.lastHeaders.authorization).toBe('Bearer generic-token');
    const request = duffel.bodies[0] as {
      data: { slices: unknown[]; passengers: unknown[]; cabin_class: string };
    };
    expect(request.data).toMatchObject({
      slices: [{ origin: 'LHR', destination: 'JFK', departure_date: tp.date(2) }],
      passengers: [{ type: 'adult' }],
      cabin_class: 'economy',
    });
  });
});

describe('a slow supplier', () => {
  let tp: TestPlatform;
  let duffel: FixtureSupplier;

  beforeAll(async () => {
    duffel = await startDuffelFixture([flight('117', '10:00:00', '400.00')]);
    duffel.delayMs = 4_000;
    tp = await startTestPlatform({
      ...SMALL,
      env: {
        SUPPLIERS: 'inventory,duffel',
        DUFFEL_URL: duffel.url,
        DUFFEL_TOKEN: 'duffel_test_fixture',
        SUPPLIER_DEADLINE_MS: '300',
        SUPPLIER_RETRIES: '0',
      },
    });
  });
  afterAll(async () => {
    await tp?.close();
    await duffel?.close();
  });

  it('gives the other suppliers’ offers at the deadline, flagged partial, naming the late one', async () => {
    const { status, body } = await search(tp);
    expect(status).toBe(200);
    // Answered before the slow supplier had even sent its answer.
    expect(duffel.calls).toContain('POST /air/offer_requests');
    expect(duffel.answered).toBe(0);
    expect(body.meta.partial).toBe(true);
    expect(body.meta.suppliers?.duffel).toEqual({ status: 'timeout', offers: 0 });
    expect(body.meta.suppliers?.inventory?.status).toBe('answered');
    expect(body.data.every((o) => o.source === 'inventory')).toBe(true);
  });
});

describe('a failing supplier', () => {
  let tp: TestPlatform;
  let duffel: FixtureSupplier;

  beforeAll(async () => {
    duffel = await startDuffelFixture([flight('117', '10:00:00', '400.00')]);
    tp = await startTestPlatform({
      ...SMALL,
      env: {
        SUPPLIERS: 'duffel',
        DUFFEL_URL: duffel.url,
        DUFFEL_TOKEN: 'duffel_test_fixture',
        SUPPLIER_RETRIES: '0',
        SUPPLIER_VOLUME_THRESHOLD: '2',
        SUPPLIER_ERROR_THRESHOLD_PERCENT: '50',
        SUPPLIER_OPEN_MS: '700',
        CACHE_TTL_FLIGHT_SEARCH_SECONDS: '1',
      },
    });
  });
  afterAll(async () => {
    await tp?.close();
    await duffel?.close();
  });

  it('opens its breaker (no calls while open), serves STALE, and closes again after a half-open probe', async () => {
    const fresh = await search(tp);
    expect(fresh.body.meta.suppliers?.duffel?.status).toBe('answered');
    const [offer] = fresh.body.data;

    // Past the answer's freshness, the supplier starts failing.
    await new Promise((r) => setTimeout(r, 1_100));
    duffel.failWith = 500;
    for (let i = 0; i < 2; i++) {
      const stale = await search(tp);
      expect(stale.status).toBe(200);
      expect(stale.body.meta.suppliers?.duffel).toEqual({ status: 'stale', offers: 1 });
      expect(stale.body.meta.partial).toBe(true);
      expect(stale.body.data[0]?.id).toBe(offer?.id);
    }
    const callsWhenOpened = duffel.calls.length;
    const ready = (await (await fetch(`${tp.baseUrl}/health/ready`)).json()) as {
      checks: Record<string, string>;
    };
    expect(ready.checks['supplier:duffel']).toBe('degraded');
    expect(await (await fetch(`${tp.baseUrl}/metrics`)).text()).toContain(
      'supplier_circuit_state{supplier="duffel"} 2',
    );

    // Open: searches are answered from the stale answer without calling the supplier.
    const whileOpen = await search(tp);
    expect(whileOpen.body.meta.suppliers?.duffel?.status).toBe('stale');
    expect(duffel.calls.length).toBe(callsWhenOpened);

    // The supplier recovers; after the open window one probe goes through and closes the circuit.
    duffel.failWith = undefined;
    await waitFor(
      'the half-open probe',
      () => tp.platform.services.supplierCircuits().duffel === 'half-open',
    );
    const recovered = await search(tp);
    expect(recovered.body.meta.suppliers?.duffel).toEqual({ status: 'answered', offers: 1 });
    expect(tp.platform.services.supplierCircuits().duffel).toBe('closed');
    expect(duffel.calls.length).toBe(callsWhenOpened + 1);
    const readyAgain = (await (await fetch(`${tp.baseUrl}/health/ready`)).json()) as {
      checks: Record<string, string>;
    };
    expect(readyAgain.checks['supplier:duffel']).toBe('ok');
  });
});

describe('booking a supplier’s offer', () => {
  let tp: TestPlatform;
  let duffel: FixtureSupplier;
  let token: string;

  beforeAll(async () => {
    duffel = await startDuffelFixture([flight('117', '10:00:00', '400.00')]);
    tp = await startTestPlatform({
      ...SMALL,
      env: { SUPPLIERS: 'duffel', DUFFEL_URL: duffel.url, DUFFEL_TOKEN: 'duffel_test_fixture' },
    });
    token = await tp.platform.gateway.options.issuer!.mint('alice');
  });
  afterAll(async () => {
    await tp?.close();
    await duffel?.close();
  });

  const book = (offerId: string, key: string) =>
    tp.fetch('/v1/bookings', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'idempotency-key': key,
        'content-type': 'application/json',
      },
      body: JSON.stringify(bookingBody(offerId, withTitles(passengersFor({ adults: 1 }, tp.date(2))))),
    });

  it('confirms the price at the supplier and books there with its offer reference', async () => {
    const { body } = await search(tp);
    const offer = body.data[0]!;
    const confirmed = await tp.fetch(`/v1/offers/${encodeURIComponent(offer.id)}`);
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    expect(duffel.calls).toContain(`GET /air/offers/off_BA117_${tp.date(2).replaceAll('-', '')}_0`);
    const booked = await book(offer.id, 'supplier-booking-1');
    expect(booked.status).toBe(201);
    const order = duffel.bodies.at(-1) as {
      data: { selected_offers: string[]; payments: { amount: string }[]; type: string };
    };
    expect(order.data).toMatchObject({
      type: 'instant',
      selected_offers: [`off_BA117_${tp.date(2).replaceAll('-', '')}_0`],
      payments: [{ type: 'balance', amount: '400.00', currency: 'EUR' }],
    });
  });

  it('answers 409 price-changed with both prices when the supplier re-priced the offer', async () => {
    const { body } = await search(tp, 3);
    const offer = body.data[0]!;
    const ordersBefore = duffel.calls.filter((c) => c === 'POST /air/orders').length;
    duffel.repriceTo = '455.00';
    const response = await book(offer.id, 'supplier-booking-2');
    expect(response.status).toBe(409);
    const problem = (await response.json()) as {
      type: string;
      previousPrice: { total: string };
      price: { total: string };
    };
    expect(problem.type).toMatch(/price-changed$/);
    expect(problem.previousPrice.total).toBe('400.00');
    expect(problem.price.total).toBe('455.00');
    // Found at the supplier's current price before ordering: nothing is ordered at either price.
    expect(duffel.calls.filter((c) => c === 'POST /air/orders')).toHaveLength(ordersBefore);
    duffel.repriceTo = undefined;
  });

  it('answers 409 price-changed when Duffel refuses the order with price_changed', async () => {
    duffel.repriceTo = undefined;
    const { body } = await search(tp, 1);
    const offer = body.data[0]!;
    duffel.repriceAtOrder = '431.50';
    const response = await book(offer.id, 'supplier-booking-3');
    expect(response.status).toBe(409);
    const problem = (await response.json()) as { previousPrice: { total: string }; price: { total: string } };
    expect(problem.previousPrice.total).toBe('400.00');
    expect(problem.price.total).toBe('431.50');
    // The key was given back: the client may book again once it accepts the new price.
    const again = await book(offer.id, 'supplier-booking-3');
    expect(again.status).toBe(409);
    duffel.repriceTo = undefined;
  });
});
