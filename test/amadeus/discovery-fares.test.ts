import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amadeusDiscoverySdk, type DiscoverySdk } from '../helpers/amadeus-discovery-sdk.js';
import { type AmadeusSdk, type SdkJson, sdkFailure } from '../helpers/amadeus-sdk.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

let tp: TestPlatform;
let sdk: AmadeusSdk & DiscoverySdk;
let clientId: string;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 40, days: 8 });
  const issued = await tp.platform.gateway.options.keys.issue({
    name: 'discovery app',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  });
  clientId = issued.record.id;
  sdk = amadeusDiscoverySdk(tp.baseUrl, issued.record.id, issued.key);
});
afterAll(() => tp.close());

/** The cheapest direct economy fare for one adult from `origin` to `destination` on `date`, read from the store. */
async function cheapestInStore(
  origin: string,
  destination: string,
  date: string,
): Promise<number | undefined> {
  const airport = tp.platform.airports.byIata(origin);
  const flights = await tp.platform.store.findFlights({
    origin,
    destination,
    departFrom: Date.parse(`${date}T00:00:00Z`) - 86_400_000,
    departTo: Date.parse(`${date}T00:00:00Z`) + 2 * 86_400_000,
  });
  const local = (ms: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: airport?.timeZone ?? 'UTC' }).format(new Date(ms));
  const totals = flights
    .filter((f) => local(f.departureUtc) === date && f.departureUtc > Date.now())
    .flatMap((f) =>
      f.cabins.filter((c) => c.cabin === 'economy' && c.seatsLeft > 0).map((c) => c.fare + c.taxes),
    );
  return totals.length === 0 ? undefined : Math.min(...totals);
}

describe('Flight Inspiration Search through the official SDK', () => {
  it('answers the cheapest one-way fare to every direct destination, in the spec shape, with links Amadeus gives', async () => {
    const response = await sdk.shopping.flightDestinations.get({
      origin: 'LHR',
      departureDate: `${tp.date(1)},${tp.date(5)}`,
      oneWay: true,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.amadeus+json');
    const data: SdkJson[] = response.data;
    expect(data.length).toBeGreaterThan(1);
    const routes = (await tp.platform.store.listRoutes()).filter((r) => r.origin === 'LHR');
    expect(new Set(data.map((d) => d.destination))).toEqual(new Set(routes.map((r) => r.destination)));
    const totals = data.map((d) => Number(d.price.total));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    const first = data[0];
    expect(first).toMatchObject({
      type: 'flight-destination',
      origin: 'LHR',
      price: { total: expect.stringMatching(/^\d+\.\d{2}$/) },
    });
    expect(first.returnDate).toBeUndefined();
    expect(first.departureDate >= tp.date(1) && first.departureDate <= tp.date(5)).toBe(true);
    // The price is the cheapest the store holds on that date: the aggregate is honest.
    expect(Math.round(Number(first.price.total) * 100)).toBe(
      await cheapestInStore('LHR', first.destination, first.departureDate),
    );
    expect(first.links.flightOffers).toBe(
      `${tp.baseUrl}/v2/shopping/flight-offers?originLocationCode=LHR&destinationLocationCode=${first.destination}&departureDate=${first.departureDate}&adults=1&nonStop=false`,
    );
    expect(first.links.flightDates).toContain(
      `/v1/shopping/flight-dates?origin=LHR&destination=${first.destination}&departureDate=${tp.date(1)},${tp.date(5)}&oneWay=true`,
    );
    expect(response.result.meta).toMatchObject({
      currency: 'USD',
      defaults: { viewBy: 'DESTINATION' },
      directFlightsOnly: true,
    });
    expect(response.result.dictionaries.currencies).toEqual({ USD: 'US DOLLAR' });
    expect(response.result.dictionaries.locations[first.destination]).toMatchObject({ subType: 'AIRPORT' });
    expect(response.result.warnings[0]).toMatchObject({ title: 'DIRECT FLIGHTS ONLY' });
  });

  it('views by DATE, caps with maxPrice and drops the warning for nonStop=true', async () => {
    const byDate = await sdk.shopping.flightDestinations.get({
      origin: 'LHR',
      departureDate: `${tp.date(1)},${tp.date(3)}`,
      oneWay: true,
      nonStop: true,
      viewBy: 'DATE',
    });
    const pairs = byDate.data.map((d: SdkJson) => `${d.destination}|${d.departureDate}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(new Set(byDate.data.map((d: SdkJson) => d.destination)).size).toBeLessThan(pairs.length);
    expect(byDate.result.warnings).toBeUndefined();
    const median = Number(byDate.data[Math.floor(byDate.data.length / 2)].price.total);
    const capped = await sdk.shopping.flightDestinations.get({
      origin: 'LHR',
      departureDate: `${tp.date(1)},${tp.date(3)}`,
      oneWay: true,
      viewBy: 'DATE',
      maxPrice: Math.floor(median),
    });
    expect(capped.data.length).toBeGreaterThan(0);
    expect(capped.data.length).toBeLessThan(byDate.data.length);
    expect(capped.data.every((d: SdkJson) => Number(d.price.total) <= Math.floor(median))).toBe(true);
  });

  it('prices round trips as outbound plus return within the durations asked, by default', async () => {
    const response = await sdk.shopping.flightDestinations.get({
      origin: 'LHR',
      departureDate: `${tp.date(1)},${tp.date(3)}`,
      duration: '2,3',
    });
    expect(response.data.length).toBeGreaterThan(0);
    for (const d of response.data as SdkJson[]) {
      const days = (Date.parse(d.returnDate) - Date.parse(d.departureDate)) / 86_400_000;
      expect(days === 2 || days === 3).toBe(true);
      expect(d.links.flightOffers).toContain(`&returnDate=${d.returnDate}&adults=1`);
    }
    expect(response.result.meta.defaults).toEqual({ viewBy: 'DESTINATION' });
    const all = await sdk.shopping.flightDestinations.get({ origin: 'LHR' });
    expect(all.result.meta.defaults).toMatchObject({ duration: '1,15', viewBy: 'DESTINATION' });
    expect(all.result.meta.defaults.departureDate).toMatch(/^\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2}$/);
  });

  it('groups by ISO week and by country, one cheapest fare per group', async () => {
    const range = `${tp.date(1)},${tp.date(7)}`;
    const byWeek = await sdk.shopping.flightDestinations.get({
      origin: 'LHR',
      departureDate: range,
      oneWay: true,
      viewBy: 'WEEK',
    });
    const week = (date: string) => {
      const day = new Date(`${date}T00:00:00Z`);
      day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
      return day.toISOString().slice(0, 10);
    };
    const weeks = byWeek.data.map((d: SdkJson) => `${d.destination}|${week(d.departureDate)}`);
    expect(new Set(weeks).size).toBe(weeks.length);
    const byCountry = await sdk.shopping.flightDestinations.get({
      origin: 'LHR',
      departureDate: range,
      oneWay: true,
      viewBy: 'COUNTRY',
    });
    const countries = byCountry.data.map((d: SdkJson) => tp.platform.airports.byIata(d.destination)?.country);
    expect(new Set(countries).size).toBe(countries.length);
    const byDestination = await sdk.shopping.flightDestinations.get({
      origin: 'LHR',
      departureDate: range,
      oneWay: true,
    });
    expect(byCountry.data.length).toBeLessThanOrEqual(byDestination.data.length);
    expect(byCountry.data[0].price.total).toBe(byDestination.data[0].price.total);
  });

  it('refuses bad input in Amadeus’s error shape, naming the parameter', async () => {
    const missing = await sdkFailure(sdk.shopping.flightDestinations.get({ departureDate: tp.date(1) }));
    expect(missing.code).toBe('ClientError');
    expect(missing.response.statusCode).toBe(400);
    expect(missing.description[0].source).toEqual({ parameter: 'origin' });
    const far = await sdkFailure(
      sdk.shopping.flightDestinations.get({ origin: 'LHR', departureDate: tp.date(200) }),
    );
    expect(far.description[0]).toMatchObject({ status: 400, source: { parameter: 'departureDate' } });
    const durationOneWay = await sdkFailure(
      sdk.shopping.flightDestinations.get({ origin: 'LHR', oneWay: true, duration: '3' }),
    );
    expect(durationOneWay.description[0].source).toEqual({ parameter: 'duration' });
    const badView = await sdkFailure(sdk.shopping.flightDestinations.get({ origin: 'LHR', viewBy: 'MONTH' }));
    expect(badView.description[0]).toMatchObject({ code: 477, source: { parameter: 'viewBy' } });
    const unknown = await sdkFailure(sdk.shopping.flightDestinations.get({ origin: 'QQQ' }));
    expect(unknown.description[0].source).toEqual({ parameter: 'origin' });
  });
});

describe('Flight Cheapest Date Search through the official SDK', () => {
  it('answers the cheapest fare per date between two airports, by date, with links back to inspiration', async () => {
    const response = await sdk.shopping.flightDates.get({
      origin: 'LHR',
      destination: 'JFK',
      departureDate: `${tp.date(1)},${tp.date(6)}`,
      oneWay: true,
    });
    const data: SdkJson[] = response.data;
    expect(data.length).toBeGreaterThan(2);
    expect(data.map((d) => d.departureDate)).toEqual([...data.map((d) => d.departureDate)].sort());
    for (const d of data) {
      expect(d).toMatchObject({ type: 'flight-date', origin: 'LHR', destination: 'JFK' });
      expect(Math.round(Number(d.price.total) * 100)).toBe(
        await cheapestInStore('LHR', 'JFK', d.departureDate),
      );
    }
    expect(data[0].links.flightDestinations).toContain(
      '/v1/shopping/flight-destinations?origin=LHR&departureDate=',
    );
    expect(response.result.meta.defaults).toEqual({ viewBy: 'DATE' });
  });

  it('is served from a cached aggregate that a fare change invalidates', async () => {
    const ask = () =>
      sdk.shopping.flightDates.get({
        origin: 'LHR',
        destination: 'JFK',
        departureDate: tp.date(2),
        oneWay: true,
      });
    const before = (await ask()).data[0];
    const date = before.departureDate;
    const airport = tp.platform.airports.byIata('LHR');
    const local = (ms: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: airport?.timeZone ?? 'UTC' }).format(new Date(ms));
    const flights = (
      await tp.platform.store.findFlights({
        origin: 'LHR',
        destination: 'JFK',
        departFrom: Date.parse(`${date}T00:00:00Z`) - 86_400_000,
        departTo: Date.parse(`${date}T00:00:00Z`) + 2 * 86_400_000,
      })
    ).filter((f) => local(f.departureUtc) === date);
    const target = flights[0];
    expect(target).toBeDefined();
    // Reading the store again would show nothing new: the second answer must be the cached one.
    expect((await ask()).data[0].price.total).toBe(before.price.total);
    const result = await tp.platform.services.inventoryAdmin.changePrices(
      [{ flightId: target?.id ?? '', cabin: 'economy', fare: '1.00', taxes: '1.00' }],
      [],
    );
    expect(result.touched.flights).toHaveLength(1);
    let after: SdkJson;
    for (let attempt = 0; ; attempt++) {
      after = (await ask()).data[0];
      if (after.price.total === '2.00' || attempt > 50) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(after.price.total).toBe('2.00');
  });

  it('drops a sold-out flight from the aggregate once its availability changes', async () => {
    const ask = () =>
      sdk.shopping.flightDates.get({
        origin: 'LHR',
        destination: 'JFK',
        departureDate: tp.date(3),
        oneWay: true,
      });
    const before = (await ask()).data[0];
    const airport = tp.platform.airports.byIata('LHR');
    const local = (ms: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: airport?.timeZone ?? 'UTC' }).format(new Date(ms));
    const day = Date.parse(`${tp.date(3)}T00:00:00Z`);
    const flights = (
      await tp.platform.store.findFlights({
        origin: 'LHR',
        destination: 'JFK',
        departFrom: day - 86_400_000,
        departTo: day + 2 * 86_400_000,
      })
    ).filter((f) => local(f.departureUtc) === tp.date(3));
    const economy = (f: (typeof flights)[number]) => f.cabins.find((c) => c.cabin === 'economy');
    const cheapest = flights
      .filter((f) => (economy(f)?.seatsLeft ?? 0) > 0)
      .sort(
        (a, b) =>
          (economy(a)?.fare ?? 0) +
          (economy(a)?.taxes ?? 0) -
          (economy(b)?.fare ?? 0) -
          (economy(b)?.taxes ?? 0),
      )[0];
    expect(Math.round(Number(before.price.total) * 100)).toBe(
      (economy(cheapest!)?.fare ?? 0) + (economy(cheapest!)?.taxes ?? 0),
    );
    await tp.platform.services.inventoryAdmin.changeAvailability(
      [{ flightId: cheapest?.id ?? '', cabin: 'economy', seatsLeft: 0 }],
      [],
    );
    const expected = await cheapestInStore('LHR', 'JFK', tp.date(3));
    let after: SdkJson;
    for (let attempt = 0; ; attempt++) {
      after = (await ask()).data[0];
      if (after?.price.total !== before.price.total || attempt > 50) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (expected === undefined) expect(after).toBeUndefined();
    else expect(Math.round(Number(after.price.total) * 100)).toBe(expected);
  });

  it('refuses a missing destination naming it', async () => {
    const failure = await sdkFailure(sdk.shopping.flightDates.get({ origin: 'LHR' }));
    expect(failure.response.statusCode).toBe(400);
    expect(failure.description[0].source).toEqual({ parameter: 'destination' });
  });
});

describe('metering', () => {
  it('counts inspiration and cheapest-date questions as searches of the key behind the token', async () => {
    await tp.platform.gateway.options.meter.flush();
    const today = new Date().toISOString().slice(0, 10);
    const [before] = await tp.platform.gateway.options.keys.usage(clientId, today, today);
    await sdk.shopping.flightDestinations.get({ origin: 'LHR', oneWay: true });
    await sdk.shopping.flightDates.get({ origin: 'LHR', destination: 'JFK', oneWay: true });
    await tp.platform.gateway.options.meter.flush();
    const [after] = await tp.platform.gateway.options.keys.usage(clientId, today, today);
    expect((after?.searches ?? 0) - (before?.searches ?? 0)).toBe(2);
    expect((after?.requests ?? 0) - (before?.requests ?? 0)).toBe(2);
  });
});

describe('the Amadeus tutorial flow through the official SDK', () => {
  const paramsOf = (link: string) => Object.fromEntries(new URL(link).searchParams.entries());

  it('inspiration → cheapest date → search → price → book, following the links each answer gives', async () => {
    const inspiration = await sdk.shopping.flightDestinations.get({
      origin: 'LHR',
      departureDate: `${tp.date(1)},${tp.date(6)}`,
      oneWay: true,
      nonStop: true,
    });
    const destination = inspiration.data[0];
    const dates = await sdk.shopping.flightDates.get(paramsOf(destination.links.flightDates));
    expect(dates.data.length).toBeGreaterThan(0);
    const cheapest = [...dates.data].sort(
      (a: SdkJson, b: SdkJson) => Number(a.price.total) - Number(b.price.total),
    )[0];
    expect(cheapest.price.total).toBe(destination.price.total);

    const search = await sdk.shopping.flightOffersSearch.get(paramsOf(cheapest.links.flightOffers));
    const offer = search.data[0];
    expect(offer.itineraries[0].segments).toHaveLength(1);
    expect(offer.itineraries[0].segments[0].departure.at.slice(0, 10)).toBe(cheapest.departureDate);
    // The aggregate's price is what the search sells: the same flight, the same total.
    expect(offer.price.grandTotal).toBe(cheapest.price.total);

    const priced = await sdk.shopping.flightOffers.pricing.post(
      JSON.stringify({ data: { type: 'flight-offers-pricing', flightOffers: [offer] } }),
    );
    const pricedOffer = priced.data.flightOffers[0];
    const order = await sdk.booking.flightOrders.post(
      JSON.stringify({
        data: {
          type: 'flight-order',
          flightOffers: [pricedOffer],
          travelers: [
            {
              id: '1',
              dateOfBirth: '1982-01-16',
              name: { firstName: 'JORGE', lastName: 'GONZALES' },
              gender: 'MALE',
              contact: {
                emailAddress: 'jorge.gonzales833@telefonica.es',
                phones: [{ deviceType: 'MOBILE', countryCallingCode: '34', number: '480080076' }],
              },
            },
          ],
        },
      }),
    );
    expect(order.statusCode).toBe(201);
    expect(order.data).toMatchObject({
      type: 'flight-order',
      associatedRecords: [{ reference: expect.any(String) }],
    });
  });
});
