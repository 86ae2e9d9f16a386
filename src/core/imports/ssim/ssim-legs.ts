import { distanceKm } from '../../../kernel/great-circle.js';
import { addDays, daysBetween, zonedToEpoch } from '../../../kernel/zoned-time.js';
import type { Airport, AirportDirectory } from '../../../ports/airports.js';
import type { StagedLeg } from '../../../ports/schedules.js';
import type { Cabin, FlightRecord } from '../../../ports/store.js';
import type { ImportProblem } from '../import-kind.js';
import { estimatedCabins, filedCabins } from './estimated-fares.js';
import { seatsPerCabin } from './ssim-cabins.js';
import type { CarrierRecord, LegRecord, SegmentRecord } from './ssim-records.js';

/** Service types sold to passengers (SSIM appendix C); every other leg is never offered. */
export const PASSENGER_SERVICE_TYPES: ReadonlySet<string> = new Set([
  'J',
  'S',
  'U',
  'G',
  'B',
  'Q',
  'R',
  'C',
  'O',
  'L',
]);

/** DEI 10: the marketing flight numbers of codeshare partners on a segment. */
const DEI_CODESHARE = 10;
const DAY_MS = 86_400_000;
/** Longer than any scheduled flight: a leg this long is a typo in its times or date variations. */
const LONGEST_LEG_MS = 24 * 3_600_000;

export interface LegExpansion {
  carrier: CarrierRecord;
  airports: AirportDirectory;
  estimateFares: boolean;
  error(problem: ImportProblem): void;
  warning(problem: ImportProblem): void;
  /** Counts a dated leg not staged because its service type is not a passenger one. */
  skippedNonPassenger(): void;
}

/**
 * The dated legs of one itinerary variation (its record 3s, in file order, and the record 4s that
 * followed them): every flight date of each leg's period (clipped to the carrier's validity) whose
 * weekday is a day of operation, every other week when fortnightly. Legs of a variation with more
 * than one leg form one through flight per flight date. Problems go to `expansion`; legs with
 * problems are not returned.
 */
export function* datedLegs(
  legs: readonly LegRecord[],
  segments: readonly SegmentRecord[],
  expansion: LegExpansion,
): Generator<StagedLeg> {
  const { carrier } = expansion;
  const prepared = legs.map((leg) => prepareLeg(leg, segments, expansion)).filter((p) => p !== undefined);
  if (prepared.length !== legs.length) return;
  const multiLeg = new Set(legs.map((l) => l.legSequence)).size > 1;
  const first = earliestDate(prepared.map((p) => p.from));
  const last = latestDate(prepared.map((p) => p.to));
  const reported = new Set<string>();
  const once = (key: string, problem: ImportProblem, kind: 'error' | 'warning'): void => {
    if (reported.has(key)) return;
    reported.add(key);
    expansion[kind](problem);
  };
  for (let date = first; date <= last; date = addDays(date, 1)) {
    const operating = prepared
      .filter((p) => operatesOn(p, date))
      .sort((a, b) => a.record.legSequence - b.record.legSequence);
    let previous: FlightRecord | undefined;
    let previousRecord: LegRecord | undefined;
    for (const leg of operating) {
      const { record } = leg;
      const departureUtc = instant(
        date,
        record.departureDateVariation,
        record.departureMinute,
        record.departureUtcVariation,
        leg.originAirport,
        carrier,
      );
      let arrivalUtc = instant(
        date,
        record.arrivalDateVariation ?? record.departureDateVariation,
        record.arrivalMinute,
        record.arrivalUtcVariation,
        leg.destinationAirport,
        carrier,
      );
      if (record.arrivalDateVariation === undefined && arrivalUtc <= departureUtc) {
        // Blank arrival date variation and a clock time earlier than departure: the next day.
        arrivalUtc += DAY_MS;
        once(
          `next-day:${record.line}`,
          {
            line: record.line,
            field: 'arrival_date_variation',
            message:
              'blank while the arrival time precedes the departure; the arrival is taken as the next day',
          },
          'warning',
        );
      }
      if (arrivalUtc <= departureUtc || arrivalUtc - departureUtc > LONGEST_LEG_MS) {
        once(
          `times:${record.line}`,
          {
            line: record.line,
            field: 'passenger_sta',
            message: `the leg would take ${Math.round((arrivalUtc - departureUtc) / 60_000)} minutes on ${date}: check the times, UTC variations and date variations`,
          },
          'error',
        );
        continue;
      }
      if (!PASSENGER_SERVICE_TYPES.has(record.serviceType)) {
        expansion.skippedNonPassenger();
        continue;
      }
      const throughId = `${date}-${record.carrier}${record.flightNumber}${record.operationalSuffix}`;
      if (previous && previousRecord && previousRecord.legSequence === record.legSequence - 1) {
        if (departureUtc < previous.arrivalUtc) {
          once(
            `chain:${record.line}`,
            {
              line: record.line,
              field: 'passenger_std',
              message: `leg ${record.legSequence} leaves ${record.origin} on ${date} before leg ${previousRecord.legSequence} arrives there`,
            },
            'error',
          );
          continue;
        }
      }
      const flight: FlightRecord = {
        id: multiLeg ? `${throughId}-${record.legSequence}` : throughId,
        carrier: record.carrier,
        flightNumber: record.flightNumber,
        origin: record.origin,
        destination: record.destination,
        departureUtc,
        arrivalUtc,
        aircraft: record.aircraft,
        distanceKm: leg.distanceKm,
        currency: 'USD',
        cabins: expansion.estimateFares ? estimatedCabins(leg.distanceKm, leg.seats) : filedCabins(leg.seats),
        fareSource: expansion.estimateFares ? 'estimated' : 'filed',
        ...(multiLeg ? { throughFlight: { id: throughId, legSequence: record.legSequence } } : {}),
        ...(leg.codeshares.length > 0 ? { codeshares: leg.codeshares } : {}),
      };
      previous = flight;
      previousRecord = record;
      yield { flight, line: record.line, signature: signatureOf(flight) };
    }
  }
}

/** A leg checked once, with what every one of its dates shares. */
interface PreparedLeg {
  record: LegRecord;
  originAirport: Airport;
  destinationAirport: Airport;
  distanceKm: number;
  seats: Partial<Record<Cabin, number>>;
  codeshares: { carrier: string; flightNumber: number }[];
  /** Flight dates of the period within the carrier's validity, inclusive. */
  from: string;
  to: string;
}

function prepareLeg(
  record: LegRecord,
  segments: readonly SegmentRecord[],
  expansion: LegExpansion,
): PreparedLeg | undefined {
  const { carrier, airports } = expansion;
  let ok = true;
  const originAirport = airports.byIata(record.origin);
  if (!originAirport) {
    expansion.error({
      line: record.line,
      field: 'departure_station',
      message: `unknown station ${record.origin}`,
    });
    ok = false;
  }
  const destinationAirport = airports.byIata(record.destination);
  if (!destinationAirport) {
    expansion.error({
      line: record.line,
      field: 'arrival_station',
      message: `unknown station ${record.destination}`,
    });
    ok = false;
  }
  const seats = seatsPerCabin(record.aircraftConfiguration, record.prbd, record.aircraft);
  if ('error' in seats) {
    // Legs never offered need no cabins.
    if (PASSENGER_SERVICE_TYPES.has(record.serviceType)) {
      expansion.error({ line: record.line, ...seats.error });
      ok = false;
    }
  }
  if (record.carrier !== carrier.carrier) {
    expansion.error({
      line: record.line,
      field: 'airline_designator',
      message: `leg of ${record.carrier} inside the block of carrier ${carrier.carrier} (record 2 at line ${carrier.line})`,
    });
    ok = false;
  }
  const from = latestDate([record.periodFrom, carrier.validFrom]);
  const periodTo = record.periodTo ?? carrier.validTo;
  const to = earliestDate([periodTo, carrier.validTo]);
  if (record.periodFrom < carrier.validFrom || periodTo > carrier.validTo) {
    expansion.warning({
      line: record.line,
      field: 'period_from',
      message: `the period ${record.periodFrom}…${periodTo} reaches outside the schedule's validity ${carrier.validFrom}…${carrier.validTo}; only the dates inside are imported`,
    });
  }
  if (!ok || !originAirport || !destinationAirport) return undefined;
  return {
    record,
    originAirport,
    destinationAirport,
    distanceKm: Math.round(distanceKm(originAirport, destinationAirport)),
    seats: 'error' in seats ? {} : seats.seats,
    codeshares: codesharesOf(record, segments),
    from,
    to,
  };
}

/** The earliest and latest of calendar dates (YYYY-MM-DD sorts as text). */
const earliestDate = (dates: readonly string[]): string => [...dates].sort()[0] as string;
const latestDate = (dates: readonly string[]): string => [...dates].sort()[dates.length - 1] as string;

/** ISO weekday, 1 = Monday … 7 = Sunday, of a calendar date. */
function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function operatesOn(leg: PreparedLeg, date: string): boolean {
  if (date < leg.from || date > leg.to) return false;
  if (!leg.record.days.has(isoWeekday(date))) return false;
  // Fortnightly: the weeks counted from the period's first date alternate, starting with one that flies.
  if (leg.record.frequencyRate === 2 && Math.floor(daysBetween(leg.record.periodFrom, date) / 7) % 2 === 1) {
    return false;
  }
  return true;
}

/**
 * The UTC instant of a clock time on the flight date plus `dayVariation` days: as written in UTC mode;
 * in local mode, less the record's UTC variation, or through the airport's time zone when blank.
 */
function instant(
  flightDate: string,
  dayVariation: number,
  minute: number,
  utcVariation: number | undefined,
  airport: Airport,
  carrier: CarrierRecord,
): number {
  const date = dayVariation === 0 ? flightDate : addDays(flightDate, dayVariation);
  const wall = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  if (carrier.timeMode === 'U') return wall;
  if (utcVariation !== undefined) return wall - utcVariation * 60_000;
  return zonedToEpoch(date, minute, airport.timeZone);
}

/** DEI 10 partners of segments covering this leg (board point … off point on the same variation). */
function codesharesOf(
  leg: LegRecord,
  segments: readonly SegmentRecord[],
): { carrier: string; flightNumber: number }[] {
  const found = new Map<string, { carrier: string; flightNumber: number }>();
  for (const segment of segments) {
    if (segment.dataElement !== DEI_CODESHARE) continue;
    if (segment.boardPoint !== leg.origin && segment.offPoint !== leg.destination) continue;
    for (const match of segment.data.matchAll(/([A-Z0-9]{2}[A-Z]?)\s*(\d{1,4})/g)) {
      const partner = { carrier: match[1] as string, flightNumber: Number(match[2]) };
      if (partner.carrier === leg.carrier) continue;
      found.set(`${partner.carrier}${partner.flightNumber}`, partner);
    }
  }
  return [...found.values()];
}

/** Everything an import decides about a leg, as one comparable string (ports/schedules.ts). */
export function signatureOf(flight: FlightRecord): string {
  return JSON.stringify([
    flight.origin,
    flight.destination,
    flight.departureUtc,
    flight.arrivalUtc,
    flight.aircraft,
    flight.cabins.map((c) => [c.cabin, c.capacity, c.fare, c.taxes]),
    flight.fareSource ?? 'inventory',
    flight.throughFlight ?? null,
    flight.codeshares ?? null,
  ]);
}
