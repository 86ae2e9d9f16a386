import {
  CARRIER_FIELDS,
  formatSsimDate,
  formatUtcVariation,
  LEG_FIELDS,
  pad,
  SEGMENT_FIELDS,
  type TimeMode,
} from './ssim-records.js';

/**
 * Writes SSIM chapter 7 records at the positions ssim-records.ts reads them from (one table of
 * positions for both directions), each 200 bytes with its record serial number in 195–200.
 */
class RecordBuffer {
  readonly #chars: string[];

  constructor(type: string) {
    this.#chars = Array.from({ length: 200 }, () => ' ');
    this.#chars[0] = type;
  }

  put([from, to]: readonly [number, number], value: string): this {
    const width = to - from + 1;
    const text = value.length > width ? value.slice(0, width) : value.padEnd(width, ' ');
    for (let i = 0; i < width; i++) this.#chars[from - 1 + i] = text[i] as string;
    return this;
  }

  text(serial: number): string {
    this.put([195, 200], pad(serial % 1_000_000, 6));
    return this.#chars.join('');
  }
}

export function headerRecord(serial: number): string {
  return new RecordBuffer('1')
    .put([2, 35], 'AIRLINE STANDARD SCHEDULE DATA SET')
    .put([41, 41], '1')
    .text(serial);
}

export interface CarrierFields {
  timeMode: TimeMode;
  carrier: string;
  validFrom: string;
  validTo: string;
  creationDate: string;
}

export function carrierRecord(fields: CarrierFields, serial: number): string {
  return new RecordBuffer('2')
    .put(CARRIER_FIELDS.time_mode, fields.timeMode)
    .put(CARRIER_FIELDS.airline_designator, fields.carrier)
    .put(CARRIER_FIELDS.validity_from, formatSsimDate(fields.validFrom))
    .put(CARRIER_FIELDS.validity_to, formatSsimDate(fields.validTo))
    .put(CARRIER_FIELDS.creation_date, formatSsimDate(fields.creationDate))
    .text(serial);
}

export interface LegFields {
  carrier: string;
  flightNumber: number;
  operationalSuffix?: string;
  /** Itinerary variation, 1–99. */
  variation: number;
  legSequence: number;
  serviceType: string;
  periodFrom: string;
  periodTo: string;
  /** ISO weekdays, 1 = Monday. */
  days: readonly number[];
  fortnightly?: boolean;
  origin: string;
  destination: string;
  /** Minutes after midnight in the file's time mode. */
  departureMinute: number;
  arrivalMinute: number;
  /** Local minus UTC, minutes; left blank when undefined. */
  departureUtcVariation?: number;
  arrivalUtcVariation?: number;
  aircraft: string;
  prbd: string;
  aircraftConfiguration?: string;
  departureDateVariation?: number;
  /** Days after the flight date; blank when undefined. */
  arrivalDateVariation?: number;
}

export function legRecord(fields: LegFields, serial: number): string {
  const days = Array.from({ length: 7 }, (_, i) => (fields.days.includes(i + 1) ? String(i + 1) : ' ')).join(
    '',
  );
  const buffer = new RecordBuffer('3')
    .put(LEG_FIELDS.operational_suffix, fields.operationalSuffix ?? ' ')
    .put(LEG_FIELDS.airline_designator, fields.carrier)
    .put(LEG_FIELDS.flight_number, String(fields.flightNumber).padStart(4, ' '))
    .put(LEG_FIELDS.itinerary_variation, pad(fields.variation, 2))
    .put(LEG_FIELDS.leg_sequence, pad(fields.legSequence, 2))
    .put(LEG_FIELDS.service_type, fields.serviceType)
    .put(LEG_FIELDS.period_from, formatSsimDate(fields.periodFrom))
    .put(LEG_FIELDS.period_to, formatSsimDate(fields.periodTo))
    .put(LEG_FIELDS.days_of_operation, days)
    .put(LEG_FIELDS.frequency_rate, fields.fortnightly ? '2' : ' ')
    .put(LEG_FIELDS.departure_station, fields.origin)
    .put(LEG_FIELDS.passenger_std, clock(fields.departureMinute))
    .put([44, 47], clock(fields.departureMinute))
    .put(LEG_FIELDS.arrival_station, fields.destination)
    .put([58, 61], clock(fields.arrivalMinute))
    .put(LEG_FIELDS.passenger_sta, clock(fields.arrivalMinute))
    .put(LEG_FIELDS.aircraft_type, fields.aircraft)
    .put(LEG_FIELDS.prbd, fields.prbd)
    .put(LEG_FIELDS.aircraft_configuration, fields.aircraftConfiguration ?? '')
    .put(
      LEG_FIELDS.departure_date_variation,
      (fields.departureDateVariation ?? 0) < 0 ? 'A' : String(fields.departureDateVariation ?? 0),
    );
  if (fields.departureUtcVariation !== undefined) {
    buffer.put(LEG_FIELDS.departure_utc_variation, formatUtcVariation(fields.departureUtcVariation));
  }
  if (fields.arrivalUtcVariation !== undefined) {
    buffer.put(LEG_FIELDS.arrival_utc_variation, formatUtcVariation(fields.arrivalUtcVariation));
  }
  if (fields.arrivalDateVariation !== undefined) {
    buffer.put(
      LEG_FIELDS.arrival_date_variation,
      fields.arrivalDateVariation < 0 ? 'A' : String(fields.arrivalDateVariation),
    );
  }
  return buffer.text(serial);
}

export interface SegmentFields {
  carrier: string;
  flightNumber: number;
  variation: number;
  legSequence: number;
  serviceType: string;
  dataElement: number;
  boardPoint: string;
  offPoint: string;
  data: string;
}

export function segmentRecord(fields: SegmentFields, serial: number): string {
  return new RecordBuffer('4')
    .put(SEGMENT_FIELDS.airline_designator, fields.carrier)
    .put(SEGMENT_FIELDS.flight_number, String(fields.flightNumber).padStart(4, ' '))
    .put(SEGMENT_FIELDS.itinerary_variation, pad(fields.variation, 2))
    .put(SEGMENT_FIELDS.leg_sequence, pad(fields.legSequence, 2))
    .put(SEGMENT_FIELDS.service_type, fields.serviceType)
    .put(SEGMENT_FIELDS.data_element_identifier, pad(fields.dataElement, 3))
    .put(SEGMENT_FIELDS.board_point, fields.boardPoint)
    .put(SEGMENT_FIELDS.off_point, fields.offPoint)
    .put(SEGMENT_FIELDS.data, fields.data)
    .text(serial);
}

export function trailerRecord(carrier: string, releaseDate: string, serial: number): string {
  return new RecordBuffer('5')
    .put([3, 5], carrier)
    .put([6, 12], formatSsimDate(releaseDate))
    .put([188, 193], pad(serial % 1_000_000, 6))
    .put([194, 194], 'E')
    .text(serial);
}

function clock(minute: number): string {
  return `${pad(Math.floor(minute / 60), 2)}${pad(minute % 60, 2)}`;
}
