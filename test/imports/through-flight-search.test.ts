import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlightOfferView } from '../../src/core/flights/flight-offer-view.js';
import { asImportLines, leg, ssimFile } from '../helpers/ssim-files.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * BA11 flies LHR → BAH → SIN as one through flight. Its second leg leaves 30 minutes after the first
 * lands: shorter than any minimum connection time, so only the through-flight rule connects them.
 */
describe('searching an imported through flight', () => {
  let tp: TestPlatform;
  let day: string;

  beforeAll(async () => {
    tp = await startTestPlatform({ airports: 2, days: 1 });
    day = tp.date(5);
    const summary = await tp.platform.services.imports('ssim')?.run(
      asImportLines(
        ssimFile([
          {
            carrier: 'BA',
            timeMode: 'U',
            validFrom: tp.date(1),
            validTo: tp.date(20),
            records: [
              leg({
                flightNumber: 11,
                legSequence: 1,
                origin: 'LHR',
                destination: 'BAH',
                periodFrom: tp.date(1),
                periodTo: tp.date(20),
                departureMinute: 10 * 60,
                arrivalMinute: 16 * 60 + 30,
                aircraft: '789',
                aircraftConfiguration: 'J42Y216',
              }),
              leg({
                flightNumber: 11,
                legSequence: 2,
                origin: 'BAH',
                destination: 'SIN',
                periodFrom: tp.date(1),
                periodTo: tp.date(20),
                departureMinute: 17 * 60,
                arrivalMinute: 1 * 60 + 30,
                aircraft: '789',
                aircraftConfiguration: 'J42Y216',
              }),
            ],
          },
        ]),
      ),
      { dryRun: false, estimateFares: true },
    );
    expect(summary?.applied).toBe(true);
    // The overnight second leg had a blank arrival date variation: inferred as the next day.
    expect(summary?.warningCount).toBe(1);
  });
  afterAll(async () => {
    await tp?.close();
  });

  async function search(query: string): Promise<FlightOfferView[]> {
    const response = await tp.fetch(`/v1/flights/search?${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: FlightOfferView[] }).data;
  }

  it('offers the whole journey as one segment with its stop shown, counted as a stop', async () => {
    const offers = await search(`origin=LHR&destination=SIN&departureDate=${day}&maxStops=1`);
    const through = offers.find((o) => o.itineraries[0]?.segments.some((s) => s.flightNumber === 'BA11'));
    expect(through).toBeDefined();
    const itinerary = through?.itineraries[0];
    expect(itinerary?.stops).toBe(1);
    expect(itinerary?.segments).toHaveLength(1);
    const segment = itinerary?.segments[0];
    expect(segment).toMatchObject({
      id: `${day}-BA11-1+${day}-BA11-2`,
      departure: { iataCode: 'LHR', atUtc: `${day}T10:00:00Z` },
      arrival: { iataCode: 'SIN' },
      stops: [{ iataCode: 'BAH', duration: 'PT30M' }],
    });
    expect(Date.parse(segment?.arrival.atUtc ?? '')).toBeGreaterThan(
      Date.parse(segment?.departure.atUtc ?? ''),
    );
    expect(through?.priceEstimated).toBe(true);
  });

  it('is not offered when the search allows no stop', async () => {
    const offers = await search(`origin=LHR&destination=SIN&departureDate=${day}&maxStops=0`);
    expect(offers.filter((o) => o.itineraries[0]?.segments.some((s) => s.flightNumber === 'BA11'))).toEqual(
      [],
    );
  });

  it('sells each sub-journey as a nonstop flight of the same number', async () => {
    const first = await search(`origin=LHR&destination=BAH&departureDate=${day}&maxStops=0`);
    expect(first.map((o) => o.itineraries[0]?.segments[0]?.id)).toContain(`${day}-BA11-1`);
    const second = await search(`origin=BAH&destination=SIN&departureDate=${day}&maxStops=0`);
    expect(second.map((o) => o.itineraries[0]?.segments[0]?.id)).toContain(`${day}-BA11-2`);
  });
});
