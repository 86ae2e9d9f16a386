import { daysBetween, offsetMinutes, zonedDate } from '../../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../../ports/airports.js';
import type { ScheduleStore } from '../../../ports/schedules.js';
import type { Cabin, FlightRecord } from '../../../ports/store.js';
import { CABIN_LETTER, configurationOf } from './ssim-cabins.js';
import { carrierRecord, headerRecord, type LegFields, legRecord, trailerRecord } from './ssim-writer.js';

/** Flights read per store call while exporting. */
const PAGE = 5_000;

/**
 * `travel-platform export ssim`: the live schedule (cancelled flights left out) as SSIM chapter 7 in
 * local time mode, which imports back to the same flights, ids included. Each carrier's flights are
 * read and grouped by flight number before writing (SSIM lists a flight's records together), so
 * memory grows with one carrier's schedule. A flight's dates are written one record per ISO week and
 * leg pattern (times, aircraft, seats): the period is that week's dates, the days those flown.
 */
export async function* exportSsim(
  schedules: ScheduleStore,
  airports: AirportDirectory,
  today: string,
): AsyncGenerator<string> {
  const byCarrier = new Map<string, FlightRecord[]>();
  let after: string | undefined;
  for (;;) {
    const page = await schedules.listFlights(after, PAGE);
    if (page.length === 0) break;
    for (const flight of page) {
      if (flight.cancelled) continue;
      const list = byCarrier.get(flight.carrier) ?? [];
      list.push(flight);
      byCarrier.set(flight.carrier, list);
    }
    after = page[page.length - 1]?.id;
  }
  let serial = 1;
  yield headerRecord(serial++);
  for (const carrier of [...byCarrier.keys()].sort()) {
    const flights = byCarrier.get(carrier) as FlightRecord[];
    const dates = flights.map((f) => flightDate(f));
    const sortedDates = [...dates].sort();
    yield carrierRecord(
      {
        timeMode: 'L',
        carrier,
        validFrom: sortedDates[0] as string,
        validTo: sortedDates[sortedDates.length - 1] as string,
        creationDate: today,
      },
      serial++,
    );
    for (const record of legRecords(flights, airports)) yield legRecord(record, serial++);
    yield trailerRecord(carrier, today, serial++);
  }
}

/** The flight date an id starts with (ids are `YYYY-MM-DD-…`, see ports/schedules.ts). */
function flightDate(flight: FlightRecord): string {
  return flight.id.slice(0, 10);
}

interface DatedPattern {
  fields: Omit<LegFields, 'periodFrom' | 'periodTo' | 'days'>;
  date: string;
}

function legRecords(flights: readonly FlightRecord[], airports: AirportDirectory): LegFields[] {
  const byNumber = new Map<number, DatedPattern[]>();
  for (const flight of flights) {
    const list = byNumber.get(flight.flightNumber) ?? [];
    list.push({ fields: legPattern(flight, airports), date: flightDate(flight) });
    byNumber.set(flight.flightNumber, list);
  }
  const records: LegFields[] = [];
  for (const number of [...byNumber.keys()].sort((a, b) => a - b)) {
    const groups = new Map<string, { fields: DatedPattern['fields']; dates: string[] }>();
    for (const { fields, date } of byNumber.get(number) as DatedPattern[]) {
      const key = `${isoWeek(date)}|${JSON.stringify(fields)}`;
      const group = groups.get(key) ?? { fields, dates: [] };
      group.dates.push(date);
      groups.set(key, group);
    }
    const weekly = [...groups.values()].map(({ fields, dates }) => {
      const sorted = [...dates].sort();
      return {
        ...fields,
        periodFrom: sorted[0] as string,
        periodTo: sorted[sorted.length - 1] as string,
        days: sorted.map(isoWeekday),
      };
    });
    weekly.sort((a, b) => a.periodFrom.localeCompare(b.periodFrom) || a.legSequence - b.legSequence);
    records.push(...weekly);
  }
  return records;
}

/** What a dated leg's record says apart from its dates, in local time with UTC variations. */
function legPattern(flight: FlightRecord, airports: AirportDirectory): DatedPattern['fields'] {
  const origin = airports.byIata(flight.origin)?.timeZone ?? 'UTC';
  const destination = airports.byIata(flight.destination)?.timeZone ?? 'UTC';
  const date = flightDate(flight);
  const departureOffset = offsetMinutes(flight.departureUtc, origin);
  const arrivalOffset = offsetMinutes(flight.arrivalUtc, destination);
  const seats: Partial<Record<Cabin, number>> = {};
  for (const cabin of flight.cabins) seats[cabin.cabin] = cabin.capacity;
  return {
    carrier: flight.carrier,
    flightNumber: flight.flightNumber,
    variation: 1,
    legSequence: flight.throughFlight?.legSequence ?? 1,
    serviceType: 'J',
    origin: flight.origin,
    destination: flight.destination,
    departureMinute: localMinute(flight.departureUtc, departureOffset),
    arrivalMinute: localMinute(flight.arrivalUtc, arrivalOffset),
    departureUtcVariation: departureOffset,
    arrivalUtcVariation: arrivalOffset,
    aircraft: flight.aircraft,
    prbd: flight.cabins.map((c) => CABIN_LETTER[c.cabin]).join(''),
    aircraftConfiguration: configurationOf(seats),
    departureDateVariation: daysBetween(date, zonedDate(flight.departureUtc, origin)),
    arrivalDateVariation: daysBetween(date, zonedDate(flight.arrivalUtc, destination)),
  };
}

function localMinute(epochMs: number, offset: number): number {
  const minutes = Math.floor((epochMs + offset * 60_000) / 60_000);
  return ((minutes % 1440) + 1440) % 1440;
}

function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Monday of the date's ISO week: dates of one week share it. */
function isoWeek(date: string): number {
  const epochDay = Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
  return epochDay - (isoWeekday(date) - 1);
}
