import { createHash } from 'node:crypto';
import {
  countOperatingDays,
  DAY_MS,
  type DayPeriod,
  dateOfDay,
  dayOfDate,
  operatesOn,
  weekdayBits,
} from '../../../kernel/day-periods.js';
import { distanceKm } from '../../../kernel/great-circle.js';
import { offsetMinutes, steadyDayOffset, zonedToEpoch } from '../../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../../ports/airports.js';
import type { LegPeriod } from '../../../ports/schedules.js';
import type { Cabin } from '../../../ports/store.js';
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

/** The periods of one itinerary variation and how many dated legs they stand for. */
export interface VariationPeriods {
  periods: LegPeriod[];
  datedLegs: number;
}

/**
 * The periods of one itinerary variation (its record 3s, in file order, and the record 4s that
 * followed them): per passenger leg, its period clipped to the carrier's validity and cut where a
 * time-zone switch moves its UTC times, so each period's dated legs share their times
 * (ports/schedules.ts `LegPeriod`). Legs of a variation with more than one leg form one through
 * flight per flight date. Problems go to `expansion`; with problems, the periods are not returned.
 *
 * Validation is what expanding every date would find: within a stretch of days where no leg's
 * times change (a *segment*), whether a date passes depends only on its weekday and on the
 * fortnight of each leg, which repeat every 14 days, so the first 14 days of each segment are
 * checked as every date was before, in date order (the first failing date is the one reported).
 */
export function legPeriods(
  legs: readonly LegRecord[],
  segments: readonly SegmentRecord[],
  expansion: LegExpansion,
): VariationPeriods {
  const { carrier } = expansion;
  const result: VariationPeriods = { periods: [], datedLegs: 0 };
  const prepared = legs.map((leg) => prepareLeg(leg, segments, expansion)).filter((p) => p !== undefined);
  if (prepared.length !== legs.length) return result;
  const multiLeg = new Set(legs.map((l) => l.legSequence)).size > 1;
  const ordered = [...prepared].sort((a, b) => a.record.legSequence - b.record.legSequence);
  for (const leg of ordered) {
    if (PASSENGER_SERVICE_TYPES.has(leg.record.serviceType))
      templateOf(leg, multiLeg, expansion.estimateFares);
  }
  const reported = new Set<string>();
  const once = (key: string, problem: ImportProblem, kind: 'error' | 'warning'): void => {
    if (reported.has(key)) return;
    reported.add(key);
    expansion[kind](problem);
  };
  const open = new Map<PreparedLeg, LegPeriod>();
  let invalid = false;
  for (const [from, to] of segmentsOf(ordered, carrier)) {
    const active = ordered.filter((leg) => leg.fromDay <= from && leg.toDay >= to);
    if (active.length === 0) continue;
    // Times relative to the flight date's midnight UTC: the same on every day of the segment.
    const times = new Map<PreparedLeg, { departureMs: number; arrivalMs: number; nextDay: boolean }>();
    for (const leg of active) times.set(leg, timesOf(leg, from, carrier));
    const checked = Math.min(to, from + 13);
    for (let day = from; day <= checked; day++) {
      if (!checkDay(day, active, times, once)) invalid = true;
    }
    for (const leg of active) {
      const t = times.get(leg) as { departureMs: number; arrivalMs: number };
      if (!PASSENGER_SERVICE_TYPES.has(leg.record.serviceType)) {
        const skipped = countOperatingDays({ ...leg.period, firstDay: from, lastDay: to });
        for (let i = 0; i < skipped; i++) expansion.skippedNonPassenger();
        continue;
      }
      const current = open.get(leg);
      if (
        current &&
        current.period.lastDay === from - 1 &&
        current.departureMs === t.departureMs &&
        current.arrivalMs === t.arrivalMs
      ) {
        current.period.lastDay = to;
        continue;
      }
      if (current) close(current, result);
      open.set(leg, periodOf(leg, from, to, t, multiLeg));
    }
  }
  for (const period of open.values()) close(period, result);
  if (invalid) return { periods: [], datedLegs: result.datedLegs };
  return result;
}

/** A period ends: tightened to the days it flies, counted, kept unless it flies none. */
function close(period: LegPeriod, result: VariationPeriods): void {
  const p = period.period;
  while (p.firstDay <= p.lastDay && !operatesOn(p, p.firstDay)) p.firstDay++;
  while (p.lastDay >= p.firstDay && !operatesOn(p, p.lastDay)) p.lastDay--;
  if (p.firstDay > p.lastDay) return;
  result.datedLegs += countOperatingDays(p);
  result.periods.push(period);
}

function periodOf(
  leg: PreparedLeg,
  from: number,
  to: number,
  times: { departureMs: number; arrivalMs: number },
  multiLeg: boolean,
): LegPeriod {
  const { record } = leg;
  const base = `${record.carrier}${record.flightNumber}${record.operationalSuffix}`;
  return {
    flightKey: multiLeg ? `${base}-${record.legSequence}` : base,
    line: record.line,
    flight: leg.flight as LegPeriod['flight'],
    ...(multiLeg ? { through: { key: base, legSequence: record.legSequence } } : {}),
    period: { ...leg.period, firstDay: from, lastDay: to },
    departureMs: times.departureMs,
    arrivalMs: times.arrivalMs,
    signature: leg.signature,
  };
}

/**
 * A leg's departure and arrival on `day`, relative to its midnight UTC, with the arrival of a blank
 * arrival date variation taken as the next day when the clock time precedes the departure.
 */
function timesOf(
  leg: PreparedLeg,
  day: number,
  carrier: CarrierRecord,
): { departureMs: number; arrivalMs: number; nextDay: boolean } {
  const { record } = leg;
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
  const nextDay = record.arrivalDateVariation === undefined && arrivalUtc <= departureUtc;
  if (nextDay) arrivalUtc += DAY_MS;
  return { departureMs: departureUtc - day * DAY_MS, arrivalMs: arrivalUtc - day * DAY_MS, nextDay };
}

/** The checks expanding `day` into dated legs made (times, inferred next days, legs chaining); false on an error. */
function checkDay(
  day: number,
  legs: readonly PreparedLeg[],
  times: ReadonlyMap<PreparedLeg, { departureMs: number; arrivalMs: number; nextDay: boolean }>,
  once: (key: string, problem: ImportProblem, kind: 'error' | 'warning') => void,
): boolean {
  let ok = true;
  let previousArrival: number | undefined;
  let previousRecord: LegRecord | undefined;
  for (const leg of legs) {
    if (!operatesOn(leg.period, day)) continue;
    const { record } = leg;
    const t = times.get(leg) as { departureMs: number; arrivalMs: number; nextDay: boolean };
    const departureUtc = day * DAY_MS + t.departureMs;
    const arrivalUtc = day * DAY_MS + t.arrivalMs;
    if (t.nextDay) {
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
          message: `the leg would take ${Math.round((arrivalUtc - departureUtc) / 60_000)} minutes on ${dateOfDay(day)}: check the times, UTC variations and date variations`,
        },
        'error',
      );
      ok = false;
      continue;
    }
    if (!PASSENGER_SERVICE_TYPES.has(record.serviceType)) continue;
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
          message: `leg ${record.legSequence} leaves ${record.origin} on ${dateOfDay(day)} before leg ${previousRecord.legSequence} arrives there`,
        },
        'error',
      );
      ok = false;
      continue;
    }
    previousArrival = arrivalUtc;
    previousRecord = record;
  }
  return ok;
}

/**
 * The variation's days cut into segments within which no leg's UTC times change: at each leg's
 * period bounds, and around every time-zone switch a local-time leg without UTC variations meets
 * (the days next to a switch are segments of one day each, as their times are computed exactly).
 */
function segmentsOf(legs: readonly PreparedLeg[], carrier: CarrierRecord): [number, number][] {
  const cuts = new Set<number>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const leg of legs) {
    first = Math.min(first, leg.fromDay);
    last = Math.max(last, leg.toDay);
    cuts.add(leg.fromDay);
    cuts.add(leg.toDay + 1);
    if (carrier.timeMode === 'U') continue;
    const { record } = leg;
    const zoned: [ZoneDays, number][] = [];
    if (record.departureUtcVariation === undefined)
      zoned.push([leg.originZone, record.departureDateVariation]);
    if (record.arrivalUtcVariation === undefined)
      zoned.push([leg.destinationZone, record.arrivalDateVariation ?? record.departureDateVariation]);
    for (const [zone, variation] of zoned) {
      for (const day of unsteadyDays(zone, leg.fromDay + variation, leg.toDay + variation)) {
        cuts.add(day - variation);
        cuts.add(day - variation + 1);
      }
    }
  }
  const sorted = [...cuts].filter((c) => c > first && c <= last).sort((a, b) => a - b);
  const result: [number, number][] = [];
  let from = first;
  for (const cut of sorted) {
    result.push([from, cut - 1]);
    from = cut;
  }
  result.push([from, last]);
  return result;
}

/** A record's template: the flight its dated legs share and its signature, set on the leg. */
function templateOf(leg: PreparedLeg, multiLeg: boolean, estimateFares: boolean): void {
  const { record } = leg;
  leg.flight = {
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
  leg.signature = templateSignature(leg.flight, multiLeg ? record.legSequence : undefined);
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
  /** The period's days and frequency (weeks count from its first day as written). */
  period: DayPeriod;
  /** What its dated legs share (passenger legs; set with the signature by `templateOf`). */
  flight?: LegPeriod['flight'];
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
    fromDay: dayOfDate(from),
    toDay: dayOfDate(to),
    period: {
      firstDay: dayOfDate(from),
      lastDay: dayOfDate(to),
      days: weekdayBits(record.days),
      weeks: record.frequencyRate,
      anchorDay: dayOfDate(record.periodFrom),
    },
    signature: '',
  };
}

/** The earliest and latest of calendar dates (YYYY-MM-DD sorts as text). */
const earliestDate = (dates: readonly string[]): string => [...dates].sort()[0] as string;
const latestDate = (dates: readonly string[]): string => [...dates].sort()[dates.length - 1] as string;

/**
 * A leg's time zone, with the days near its DST switches found per range (`unsteadyDays`) kept, as
 * every record of a season asks for the same ranges. The offset of a steady day is the kernel's
 * `steadyDayOffset` (cached there per zone and day).
 */
interface ZoneDays {
  timeZone: string;
  /** `unsteadyDays` answers by range. */
  unsteady: Map<string, number[]>;
}
const zones = new Map<string, ZoneDays>();
function zoneDays(timeZone: string): ZoneDays {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = { timeZone, unsteady: new Map() };
    zones.set(timeZone, zone);
  }
  return zone;
}

/**
 * The days of [from, to] whose offset is not steady (`steadyDayOffset` is NaN: a switch within a day
 * either side), found from the offsets a week apart and, where they differ, the switch's day by
 * bisection (zone rules never switch twice within a week), so a season costs a few look-ups per zone.
 */
function unsteadyDays(zone: ZoneDays, from: number, to: number): number[] {
  const key = `${from}:${to}`;
  let days = zone.unsteady.get(key);
  if (days) return days;
  days = [];
  const offsetAt = (day: number): number => offsetMinutes(day * DAY_MS, zone.timeZone);
  // A switch between the midnights of x and x + 1 unsettles days x - 1 … x + 1.
  for (let x = from - 2; x <= to + 1; x += 7) {
    let low = x;
    let high = Math.min(x + 7, to + 2);
    if (offsetAt(low) === offsetAt(high)) continue;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offsetAt(middle) === offsetAt(low)) low = middle;
      else high = middle;
    }
    for (let day = low - 1; day <= low + 1; day++) if (day >= from && day <= to) days.push(day);
  }
  if (zone.unsteady.size >= 1_000) zone.unsteady.clear();
  zone.unsteady.set(key, days);
  return days;
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
  const offset = steadyDayOffset(day, zone.timeZone);
  return Number.isNaN(offset) ? zonedToEpoch(dateOfDay(day), minute, zone.timeZone) : wall - offset * 60_000;
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
 * fares, through flight, codeshares), hashed once per record: the dated legs' signatures build on it.
 */
export function templateSignature(flight: LegPeriod['flight'], throughLeg: number | undefined): string {
  const f = flight;
  return createHash('sha1')
    .update(
      JSON.stringify([
        f.origin,
        f.destination,
        f.aircraft,
        f.cabins.map((c) => [c.cabin, c.capacity, c.fare, c.taxes]),
        f.fareSource ?? 'inventory',
        throughLeg ?? null,
        f.codeshares ?? null,
      ]),
    )
    .digest('base64url')
    .slice(0, 20);
}
