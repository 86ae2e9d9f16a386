import { createHash } from 'node:crypto';
import { distanceKm } from '../../../kernel/great-circle.js';
import { offsetMinutes, zonedToEpoch } from '../../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../../ports/airports.js';
import type { LegTemplate, StagedLeg, TemplateLeg } from '../../../ports/schedules.js';
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

/** The dated legs of one itinerary variation and the templates they share (ports/schedules.ts). */
export interface VariationLegs {
  templates: LegTemplate[];
  legs: TemplateLeg[];
}

/**
 * The dated legs of one itinerary variation (its record 3s, in file order, and the record 4s that
 * followed them): every flight date of each leg's period (clipped to the carrier's validity) whose
 * weekday is a day of operation, every other week when fortnightly. Legs of a variation with more
 * than one leg form one through flight per flight date. Problems go to `expansion`; legs with
 * problems are not returned.
 *
 * What a record decides for all its dates — stations, distance, cabins and fares, codeshares and
 * the signature of those — is computed once, as the record's template; each date adds only its
 * id, times and a signature of the template's plus the times.
 */
export function datedLegs(
  legs: readonly LegRecord[],
  segments: readonly SegmentRecord[],
  expansion: LegExpansion,
): VariationLegs {
  const { carrier } = expansion;
  const result: VariationLegs = { templates: [], legs: [] };
  const prepared = legs.map((leg) => prepareLeg(leg, segments, expansion)).filter((p) => p !== undefined);
  if (prepared.length !== legs.length) return result;
  const multiLeg = new Set(legs.map((l) => l.legSequence)).size > 1;
  for (const leg of prepared) {
    if (PASSENGER_SERVICE_TYPES.has(leg.record.serviceType))
      result.templates.push(templateOf(leg, multiLeg, expansion.estimateFares));
  }
  const ordered = [...prepared].sort((a, b) => a.record.legSequence - b.record.legSequence);
  const first = Math.min(...prepared.map((p) => p.fromDay));
  const last = Math.max(...prepared.map((p) => p.toDay));
  const reported = new Set<string>();
  const once = (key: string, problem: ImportProblem, kind: 'error' | 'warning'): void => {
    if (reported.has(key)) return;
    reported.add(key);
    expansion[kind](problem);
  };
  for (let day = first; day <= last; day++) {
    let previousArrival: number | undefined;
    let previousRecord: LegRecord | undefined;
    let date: string | undefined;
    for (const leg of ordered) {
      if (!operatesOn(leg, day)) continue;
      const { record } = leg;
      date ??= dayDate(day);
      const departureUtc = instant(
        day + record.departureDateVariation,
        record.departureMinute,
        record.departureUtcVariation,
        leg.originZone,
        carrier,
      );
      let arrivalUtc = instant(
        day + (record.arrivalDateVariation ?? record.departureDateVariation),
        record.arrivalMinute,
        record.arrivalUtcVariation,
        leg.destinationZone,
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
      if (
        previousArrival !== undefined &&
        previousRecord &&
        previousRecord.legSequence === record.legSequence - 1 &&
        departureUtc < previousArrival
      ) {
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
      previousArrival = arrivalUtc;
      previousRecord = record;
      result.legs.push({
        template: record.line,
        id: multiLeg ? `${throughId}-${record.legSequence}` : throughId,
        line: record.line,
        departureUtc,
        arrivalUtc,
        ...(multiLeg ? { throughFlightId: throughId } : {}),
        signature: legSignature(leg.signature, departureUtc, arrivalUtc),
      });
    }
  }
  return result;
}

/** The StagedLeg a template leg stands for (for stores without `stageBatch`). */
export function stagedLegOf(template: LegTemplate, leg: TemplateLeg): StagedLeg {
  const flight: FlightRecord = {
    ...template.flight,
    cabins: template.flight.cabins.map((c) => ({ ...c })),
    id: leg.id,
    departureUtc: leg.departureUtc,
    arrivalUtc: leg.arrivalUtc,
    ...(template.throughLeg !== undefined && leg.throughFlightId !== undefined
      ? { throughFlight: { id: leg.throughFlightId, legSequence: template.throughLeg } }
      : {}),
  };
  return { flight, line: leg.line, signature: leg.signature };
}

/** A record's template: the flight its dated legs share, keyed by its line. */
function templateOf(leg: PreparedLeg, multiLeg: boolean, estimateFares: boolean): LegTemplate {
  const { record } = leg;
  const flight: LegTemplate['flight'] = {
    carrier: record.carrier,
    flightNumber: record.flightNumber,
    origin: record.origin,
    destination: record.destination,
    aircraft: record.aircraft,
    distanceKm: leg.distanceKm,
    currency: 'USD',
    cabins: estimateFares ? estimatedCabins(leg.distanceKm, leg.seats) : filedCabins(leg.seats),
    fareSource: estimateFares ? 'estimated' : 'filed',
    ...(leg.codeshares.length > 0 ? { codeshares: leg.codeshares } : {}),
  };
  const template: LegTemplate = {
    key: record.line,
    flight,
    ...(multiLeg ? { throughLeg: record.legSequence } : {}),
  };
  leg.signature = templateSignature(template);
  return template;
}

/** A leg checked once, with what every one of its dates shares. */
interface PreparedLeg {
  record: LegRecord;
  originZone: ZoneDays;
  destinationZone: ZoneDays;
  distanceKm: number;
  seats: Partial<Record<Cabin, number>>;
  codeshares: { carrier: string; flightNumber: number }[];
  /** Flight dates of the period within the carrier's validity, inclusive, as days since 1970-01-01. */
  fromDay: number;
  toDay: number;
  /** First day of the period as written (fortnightly weeks count from it). */
  periodDay: number;
  /** The signature of the record's template; '' until the template is made. */
  signature: string;
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
    originZone: zoneDays(originAirport.timeZone),
    destinationZone: zoneDays(destinationAirport.timeZone),
    distanceKm: Math.round(distanceKm(originAirport, destinationAirport)),
    seats: 'error' in seats ? {} : seats.seats,
    codeshares: codesharesOf(record, segments),
    fromDay: dayOf(from),
    toDay: dayOf(to),
    periodDay: dayOf(record.periodFrom),
    signature: '',
  };
}

/** The earliest and latest of calendar dates (YYYY-MM-DD sorts as text). */
const earliestDate = (dates: readonly string[]): string => [...dates].sort()[0] as string;
const latestDate = (dates: readonly string[]): string => [...dates].sort()[dates.length - 1] as string;

/** Days since 1970-01-01 of a calendar date (YYYY-MM-DD). */
const dayOf = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

/** Calendar dates of days, cached: every leg of a season names the same few hundred dates. */
const dates = new Map<number, string>();
function dayDate(day: number): string {
  let date = dates.get(day);
  if (date === undefined) {
    if (dates.size >= 100_000) dates.clear();
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dates.set(day, date);
  }
  return date;
}

/** ISO weekday, 1 = Monday … 7 = Sunday, of a day since 1970-01-01 (a Thursday). */
const isoWeekday = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

function operatesOn(leg: PreparedLeg, day: number): boolean {
  if (day < leg.fromDay || day > leg.toDay) return false;
  if (!leg.record.days.has(isoWeekday(day))) return false;
  // Fortnightly: the weeks counted from the period's first date alternate, starting with one that flies.
  if (leg.record.frequencyRate === 2 && Math.floor((day - leg.periodDay) / 7) % 2 === 1) return false;
  return true;
}

/**
 * A time zone's UTC offset per calendar day, looked up once per zone and day rather than once per
 * dated leg: NaN for a day whose offset changes within a day either side (a DST switch is near), so
 * only those take the exact path.
 */
interface ZoneDays {
  timeZone: string;
  offsets: Map<number, number>;
}
const zones = new Map<string, ZoneDays>();
function zoneDays(timeZone: string): ZoneDays {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = { timeZone, offsets: new Map() };
    zones.set(timeZone, zone);
  }
  if (zone.offsets.size >= 10_000) zone.offsets.clear();
  return zone;
}

function steadyOffset(zone: ZoneDays, day: number): number {
  let offset = zone.offsets.get(day);
  if (offset === undefined) {
    // Zone rules never change an offset and change it back within three days, so equal offsets a
    // day before and a day after the date mean one offset for any wall time on that date.
    const before = offsetMinutes((day - 1) * DAY_MS, zone.timeZone);
    const after = offsetMinutes((day + 2) * DAY_MS, zone.timeZone);
    offset = before === after ? before : Number.NaN;
    zone.offsets.set(day, offset);
  }
  return offset;
}

/**
 * The UTC instant of a clock time on `day` (the flight date plus its date variation): as written in
 * UTC mode; in local mode, less the record's UTC variation, or through the airport's time zone when blank.
 */
function instant(
  day: number,
  minute: number,
  utcVariation: number | undefined,
  zone: ZoneDays,
  carrier: CarrierRecord,
): number {
  const wall = day * DAY_MS + minute * 60_000;
  if (carrier.timeMode === 'U') return wall;
  if (utcVariation !== undefined) return wall - utcVariation * 60_000;
  const offset = steadyOffset(zone, day);
  return Number.isNaN(offset) ? zonedToEpoch(dayDate(day), minute, zone.timeZone) : wall - offset * 60_000;
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

/**
 * Everything an import decides about a record's legs but their times (stations, aircraft, cabins,
 * fares, through flight, codeshares), hashed once per record: the leg signatures build on it.
 */
export function templateSignature(template: LegTemplate): string {
  const f = template.flight;
  return createHash('sha1')
    .update(
      JSON.stringify([
        f.origin,
        f.destination,
        f.aircraft,
        f.cabins.map((c) => [c.cabin, c.capacity, c.fare, c.taxes]),
        f.fareSource ?? 'inventory',
        template.throughLeg ?? null,
        f.codeshares ?? null,
      ]),
    )
    .digest('base64url')
    .slice(0, 20);
}

/** A dated leg's signature (ports/schedules.ts): its template's and its times. */
export function legSignature(template: string, departureUtc: number, arrivalUtc: number): string {
  return `${template}${departureUtc.toString(36)}${arrivalUtc.toString(36)}`;
}
