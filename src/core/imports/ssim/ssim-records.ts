/**
 * IATA SSIM chapter 7 records: fixed-width 200-byte lines, record type in byte 1. Field positions
 * below are 1-based and inclusive, as the SSIM manual and the public parsers number them; `field`
 * cuts them out. Only the fields the importer uses are named; every other byte is ignored.
 */
import type { ImportProblem } from '../import-kind.js';

/** A field's 1-based, inclusive byte positions within a record. */
type Position = readonly [from: number, to: number];

function field(text: string, [from, to]: Position): string {
  return text.slice(from - 1, to);
}

/** Record 2 (carrier): time mode and the period the schedule is valid for. */
export const CARRIER_FIELDS = {
  time_mode: [2, 2],
  airline_designator: [3, 5],
  validity_from: [15, 21],
  validity_to: [22, 28],
  creation_date: [29, 35],
} as const satisfies Record<string, Position>;

/** Record 3 (flight leg). */
export const LEG_FIELDS = {
  operational_suffix: [2, 2],
  airline_designator: [3, 5],
  flight_number: [6, 9],
  itinerary_variation: [10, 11],
  leg_sequence: [12, 13],
  service_type: [14, 14],
  period_from: [15, 21],
  period_to: [22, 28],
  days_of_operation: [29, 35],
  frequency_rate: [36, 36],
  departure_station: [37, 39],
  passenger_std: [40, 43],
  departure_utc_variation: [48, 52],
  departure_terminal: [53, 54],
  arrival_station: [55, 57],
  passenger_sta: [62, 65],
  arrival_utc_variation: [66, 70],
  arrival_terminal: [71, 72],
  aircraft_type: [73, 75],
  prbd: [76, 95],
  itinerary_variation_overflow: [128, 128],
  aircraft_configuration: [173, 192],
  departure_date_variation: [193, 193],
  arrival_date_variation: [194, 194],
} as const satisfies Record<string, Position>;

/** Record 4 (segment data): a data element (DEI) for a board point → off point of a flight. */
export const SEGMENT_FIELDS = {
  operational_suffix: [2, 2],
  airline_designator: [3, 5],
  flight_number: [6, 9],
  itinerary_variation: [10, 11],
  leg_sequence: [12, 13],
  service_type: [14, 14],
  itinerary_variation_overflow: [28, 28],
  data_element_identifier: [31, 33],
  board_point: [34, 36],
  off_point: [37, 39],
  data: [40, 194],
} as const satisfies Record<string, Position>;

export type TimeMode = 'U' | 'L';

export interface CarrierRecord {
  type: 2;
  line: number;
  timeMode: TimeMode;
  carrier: string;
  validFrom: string;
  validTo: string;
}

/** One record 3: a leg operating on the flight dates of its period, days and frequency. */
export interface LegRecord {
  type: 3;
  line: number;
  carrier: string;
  flightNumber: number;
  operationalSuffix: string;
  /** Itinerary variation with its overflow digit: legs sharing it form one through flight. */
  variation: string;
  legSequence: number;
  serviceType: string;
  periodFrom: string;
  /** Undefined when the file leaves the period open (`00XXX00`): the carrier's validity ends it. */
  periodTo: string | undefined;
  /** ISO weekdays (1 = Monday … 7 = Sunday) the flight operates. */
  days: ReadonlySet<number>;
  /** 1 weekly, 2 fortnightly. */
  frequencyRate: 1 | 2;
  origin: string;
  destination: string;
  /** Minutes after midnight of the departure and arrival, in the file's time mode. */
  departureMinute: number;
  arrivalMinute: number;
  /** Local time minus UTC, minutes; undefined when the file leaves it blank. */
  departureUtcVariation: number | undefined;
  arrivalUtcVariation: number | undefined;
  aircraft: string;
  prbd: string;
  aircraftConfiguration: string;
  /** Days the departure falls after the flight date (0 for the first leg, usually). */
  departureDateVariation: number;
  /** Days the arrival falls after the flight date; undefined when blank (then inferred). */
  arrivalDateVariation: number | undefined;
}

export interface SegmentRecord {
  type: 4;
  line: number;
  carrier: string;
  flightNumber: number;
  operationalSuffix: string;
  variation: string;
  dataElement: number;
  boardPoint: string;
  offPoint: string;
  data: string;
}

export type SsimRecord =
  | { type: 1; line: number }
  | CarrierRecord
  | LegRecord
  | SegmentRecord
  | { type: 5; line: number; carrier: string }
  /** Zero-filled padding records between blocks, as many files carry them. */
  | { type: 0; line: number };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** An SSIM date that means "no end": the period runs to the end of the schedule's validity. */
const OPEN_DATE = '00XXX00';

/** `01DEC26` → `2026-12-01`; undefined when not a real calendar date. Years 00–69 are 20xx. */
export function parseSsimDate(text: string): string | undefined {
  const match = /^(\d{2})([A-Z]{3})(\d{2})$/.exec(text);
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[2] as string);
  if (month < 0) return undefined;
  const yy = Number(match[3]);
  const year = yy < 70 ? 2000 + yy : 1900 + yy;
  const day = Number(match[1]);
  const date = new Date(Date.UTC(year, month, day));
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

/** `2026-12-01` → `01DEC26`. */
export function formatSsimDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}${MONTHS[Number(month) - 1]}${(year as string).slice(2)}`;
}

/** `HHMM` → minutes after midnight; undefined when not a time of day (2400 is accepted as midnight's end). */
export function parseSsimTime(text: string): number | undefined {
  if (!/^\d{4}$/.test(text)) return undefined;
  const hours = Number(text.slice(0, 2));
  const minutes = Number(text.slice(2));
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) return undefined;
  return hours * 60 + minutes;
}

/** `+0100` / `-0530` → minutes; undefined when not such an offset (at most ±14 hours). */
export function parseUtcVariation(text: string): number | undefined {
  const match = /^([+-])(\d{2})(\d{2})$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  if (Number(match[3]) > 59 || minutes > 14 * 60) return undefined;
  return match[1] === '-' ? -minutes : minutes;
}

/** `-0530`-style text of an offset in minutes. */
export function formatUtcVariation(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`;
}

export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Date variation digit: blank → undefined, 0–9 days, `A` the day before. */
function parseDateVariation(text: string): number | undefined | null {
  if (text === ' ' || text === '') return undefined;
  if (text === 'A') return -1;
  if (/^\d$/.test(text)) return Number(text);
  return null;
}

/**
 * Parses one line as an SSIM record, or reports what is wrong with it (field named as above).
 * Checks only what one record can tell; stations, overlaps and date logic are the schedule's job.
 */
export function parseSsimRecord(
  line: number,
  raw: string,
): { record?: SsimRecord; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const problem = (fieldName: string, message: string): { problems: ImportProblem[] } => {
    problems.push({ line, field: fieldName, message });
    return { problems };
  };
  // Tolerate CR of CRLF files and trailing blanks cut by editors; never more than 200 bytes.
  const text = raw.replace(/\r$/, '').padEnd(200, ' ');
  if (text.length > 200)
    return problem('record', `an SSIM record is 200 bytes, this line has ${text.length}`);
  const type = text[0];
  switch (type) {
    case '1':
      return { record: { type: 1, line }, problems };
    case '0':
      return { record: { type: 0, line }, problems };
    case '5':
      return {
        record: { type: 5, line, carrier: field(text, LEG_FIELDS.airline_designator).trim() },
        problems,
      };
    case '2':
      return parseCarrier(line, text, problem);
    case '3':
      return parseLeg(line, text, problems, problem);
    case '4':
      return parseSegment(line, text, problems, problem);
    default:
      return problem('record_type', `unknown record type "${type}" (expected 1 to 5)`);
  }
}

type Report = (field: string, message: string) => { problems: ImportProblem[] };

function parseCarrier(
  line: number,
  text: string,
  problem: Report,
): { record?: SsimRecord; problems: ImportProblem[] } {
  const timeMode = field(text, CARRIER_FIELDS.time_mode);
  if (timeMode !== 'U' && timeMode !== 'L')
    return problem('time_mode', `expected U (UTC) or L (local), got "${timeMode}"`);
  const carrier = field(text, CARRIER_FIELDS.airline_designator).trim();
  if (!/^[A-Z0-9]{2,3}$/.test(carrier))
    return problem('airline_designator', `"${carrier}" is not an airline designator`);
  const validFrom = parseSsimDate(field(text, CARRIER_FIELDS.validity_from));
  if (!validFrom)
    return problem('validity_from', `"${field(text, CARRIER_FIELDS.validity_from)}" is not a date (DDMMMYY)`);
  const validTo = parseSsimDate(field(text, CARRIER_FIELDS.validity_to));
  if (!validTo)
    return problem('validity_to', `"${field(text, CARRIER_FIELDS.validity_to)}" is not a date (DDMMMYY)`);
  if (validTo < validFrom)
    return problem('validity_to', `the schedule ends (${validTo}) before it starts (${validFrom})`);
  return { record: { type: 2, line, timeMode, carrier, validFrom, validTo }, problems: [] };
}

function designator(
  text: string,
  fields: typeof LEG_FIELDS | typeof SEGMENT_FIELDS,
  problem: Report,
): { carrier: string; flightNumber: number; operationalSuffix: string; variation: string } | undefined {
  const carrier = field(text, fields.airline_designator).trim();
  if (!/^[A-Z0-9]{2,3}$/.test(carrier)) {
    problem('airline_designator', `"${carrier}" is not an airline designator`);
    return undefined;
  }
  const number = field(text, fields.flight_number).trim();
  if (!/^\d{1,4}$/.test(number) || Number(number) === 0) {
    problem('flight_number', `"${number}" is not a flight number (1 to 9999)`);
    return undefined;
  }
  const variation = field(text, fields.itinerary_variation);
  if (!/^\d{2}$/.test(variation)) {
    problem('itinerary_variation', `"${variation}" is not an itinerary variation (two digits)`);
    return undefined;
  }
  const overflow = field(text, fields.itinerary_variation_overflow).trim();
  return {
    carrier,
    flightNumber: Number(number),
    operationalSuffix: field(text, fields.operational_suffix).trim(),
    variation: `${overflow}${variation}`,
  };
}

function parseLeg(
  line: number,
  text: string,
  problems: ImportProblem[],
  problem: Report,
): { record?: SsimRecord; problems: ImportProblem[] } {
  const id = designator(text, LEG_FIELDS, problem);
  const sequence = field(text, LEG_FIELDS.leg_sequence);
  const legSequence = /^\d{2}$/.test(sequence) && Number(sequence) > 0 ? Number(sequence) : undefined;
  if (legSequence === undefined)
    problem('leg_sequence', `"${sequence}" is not a leg sequence number (01 to 99)`);
  const serviceType = field(text, LEG_FIELDS.service_type);
  if (!/^[A-Z]$/.test(serviceType)) problem('service_type', `"${serviceType}" is not a service type`);
  const periodFrom = parseSsimDate(field(text, LEG_FIELDS.period_from));
  if (!periodFrom) problem('period_from', `"${field(text, LEG_FIELDS.period_from)}" is not a date (DDMMMYY)`);
  const toText = field(text, LEG_FIELDS.period_to);
  const periodTo = toText === OPEN_DATE ? undefined : parseSsimDate(toText);
  if (toText !== OPEN_DATE && !periodTo) problem('period_to', `"${toText}" is not a date (DDMMMYY)`);
  if (periodFrom && periodTo && periodTo < periodFrom) {
    problem('period_to', `the period ends (${periodTo}) before it starts (${periodFrom})`);
  }
  const daysText = field(text, LEG_FIELDS.days_of_operation);
  const days = new Set<number>();
  for (let i = 0; i < 7; i++) {
    const c = daysText[i];
    if (c === ' ') continue;
    if (c !== String(i + 1)) {
      problem(
        'days_of_operation',
        `"${daysText}" is not days of operation (digit d at position d, blank otherwise)`,
      );
      break;
    }
    days.add(i + 1);
  }
  if (days.size === 0 && !problems.some((p) => p.field === 'days_of_operation')) {
    problem('days_of_operation', 'no day of operation is set');
  }
  const rate = field(text, LEG_FIELDS.frequency_rate);
  if (rate !== ' ' && rate !== '1' && rate !== '2')
    problem('frequency_rate', `"${rate}" is not a frequency rate (blank, 1 or 2)`);
  const origin = field(text, LEG_FIELDS.departure_station);
  const destination = field(text, LEG_FIELDS.arrival_station);
  if (!/^[A-Z]{3}$/.test(origin)) problem('departure_station', `"${origin}" is not an IATA airport code`);
  if (!/^[A-Z]{3}$/.test(destination))
    problem('arrival_station', `"${destination}" is not an IATA airport code`);
  if (origin === destination) problem('arrival_station', `the leg arrives where it departs (${origin})`);
  const departureMinute = parseSsimTime(field(text, LEG_FIELDS.passenger_std));
  if (departureMinute === undefined)
    problem('passenger_std', `"${field(text, LEG_FIELDS.passenger_std)}" is not a time (HHMM)`);
  const arrivalMinute = parseSsimTime(field(text, LEG_FIELDS.passenger_sta));
  if (arrivalMinute === undefined)
    problem('passenger_sta', `"${field(text, LEG_FIELDS.passenger_sta)}" is not a time (HHMM)`);
  const variation = (name: 'departure_utc_variation' | 'arrival_utc_variation'): number | undefined => {
    const v = field(text, LEG_FIELDS[name]);
    if (v.trim() === '') return undefined;
    const minutes = parseUtcVariation(v);
    if (minutes === undefined) problem(name, `"${v}" is not a UTC variation (+HHMM or -HHMM)`);
    return minutes;
  };
  const departureUtcVariation = variation('departure_utc_variation');
  const arrivalUtcVariation = variation('arrival_utc_variation');
  const aircraft = field(text, LEG_FIELDS.aircraft_type).trim();
  if (!/^[A-Z0-9]{3}$/.test(aircraft)) problem('aircraft_type', `"${aircraft}" is not an IATA aircraft type`);
  const departureDateVariation = parseDateVariation(field(text, LEG_FIELDS.departure_date_variation));
  if (departureDateVariation === null) problem('departure_date_variation', 'expected blank, a digit or A');
  const arrivalDateVariation = parseDateVariation(field(text, LEG_FIELDS.arrival_date_variation));
  if (arrivalDateVariation === null) problem('arrival_date_variation', 'expected blank, a digit or A');
  if (problems.length > 0 || !id || legSequence === undefined || !periodFrom) return { problems };
  return {
    record: {
      type: 3,
      line,
      ...id,
      legSequence,
      serviceType,
      periodFrom,
      periodTo,
      days,
      frequencyRate: rate === '2' ? 2 : 1,
      origin,
      destination,
      departureMinute: departureMinute as number,
      arrivalMinute: arrivalMinute as number,
      departureUtcVariation,
      arrivalUtcVariation,
      aircraft,
      prbd: field(text, LEG_FIELDS.prbd).trim(),
      aircraftConfiguration: field(text, LEG_FIELDS.aircraft_configuration).trim(),
      departureDateVariation: departureDateVariation ?? 0,
      arrivalDateVariation: arrivalDateVariation ?? undefined,
    },
    problems,
  };
}

function parseSegment(
  line: number,
  text: string,
  problems: ImportProblem[],
  problem: Report,
): { record?: SsimRecord; problems: ImportProblem[] } {
  const id = designator(text, SEGMENT_FIELDS, problem);
  const dei = field(text, SEGMENT_FIELDS.data_element_identifier);
  if (!/^\d{3}$/.test(dei))
    problem('data_element_identifier', `"${dei}" is not a data element identifier (three digits)`);
  if (problems.length > 0 || !id) return { problems };
  return {
    record: {
      type: 4,
      line,
      ...id,
      dataElement: Number(dei),
      boardPoint: field(text, SEGMENT_FIELDS.board_point),
      offPoint: field(text, SEGMENT_FIELDS.off_point),
      data: field(text, SEGMENT_FIELDS.data).trim(),
    },
    problems,
  };
}
