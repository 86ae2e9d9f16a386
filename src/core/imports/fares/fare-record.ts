import type { AirportDirectory } from '../../../ports/airports.js';
import type { FareFiling, FareTripType } from '../../../ports/fare-filings.js';
import { CABINS } from '../../../ports/store.js';
import { FieldReader } from '../tabular/field-reader.js';
import type { ProblemLog } from '../tabular/problem-log.js';
import type { TabularFormat, TabularRecord } from '../tabular/tabular-records.js';

/** Columns of a fares file (docs/import.md, "Fares"). */
export const FARES_FORMAT: TabularFormat = {
  required: [
    'carrier',
    'origin',
    'destination',
    'cabin',
    'fare_basis',
    'booking_class',
    'amount',
    'currency',
    'first_travel_date',
    'last_travel_date',
  ],
  optional: [
    'days_of_week',
    'advance_purchase_days',
    'min_stay_days',
    'max_stay_days',
    'refundable',
    'checked_bags',
    'trip_type',
  ],
};

const TRIP_TYPES: readonly FareTripType[] = ['any', 'one_way', 'round_trip'];
/** Longest advance purchase or stay a fare may ask for, days: a fare is filed at most a year ahead. */
const MAX_DAYS = 366;

/**
 * One record of a fares file as a filing, or undefined when any field is bad (each reported with its
 * line and column). Airports must be known to the airport directory: a fare between unknown codes
 * could never price a flight.
 */
export function readFareRecord(
  record: TabularRecord,
  problems: ProblemLog,
  airports: AirportDirectory,
): FareFiling | undefined {
  const f = new FieldReader(record, problems);
  const carrier = f.code('carrier', /^[A-Z0-9]{2}$/, 'an IATA airline code (2 letters or digits)');
  const origin = airport(f, 'origin', airports);
  const destination = airport(f, 'destination', airports);
  const cabin = f.choice('cabin', CABINS);
  const fareBasis = f.code('fare_basis', /^[A-Z0-9]{1,15}$/, 'a fare basis (1 to 15 letters or digits)');
  const bookingClass = f.code('booking_class', /^[A-Z]$/, 'a booking class (one letter)');
  const currency = f.currency('currency');
  const amount = f.amount('amount', currency);
  const firstTravelDate = f.date('first_travel_date');
  const lastTravelDate = f.date('last_travel_date');
  const daysOfWeek = weekdays(f);
  const advancePurchaseDays = f.integer('advance_purchase_days', 0, MAX_DAYS);
  const minStayDays = f.integer('min_stay_days', 0, MAX_DAYS);
  const maxStayDays = f.integer('max_stay_days', 0, MAX_DAYS);
  const refundable = f.boolean('refundable', false);
  const checkedBags = f.integer('checked_bags', 0, 9, 0);
  const tripType = f.choice('trip_type', TRIP_TYPES, 'any');
  if (origin !== undefined && origin === destination) f.fail('destination', 'must differ from origin');
  if (firstTravelDate && lastTravelDate && lastTravelDate < firstTravelDate)
    f.fail('last_travel_date', `${lastTravelDate} is before first_travel_date ${firstTravelDate}`);
  if (minStayDays !== undefined && maxStayDays !== undefined && maxStayDays < minStayDays)
    f.fail('max_stay_days', `${maxStayDays} is less than min_stay_days ${minStayDays}`);
  if (tripType === 'one_way' && (minStayDays !== undefined || maxStayDays !== undefined))
    f.fail('trip_type', 'a one_way fare has no stay: min_stay_days and max_stay_days apply to round trips');
  if (
    !f.valid ||
    carrier === undefined ||
    origin === undefined ||
    destination === undefined ||
    cabin === undefined ||
    fareBasis === undefined ||
    bookingClass === undefined ||
    currency === undefined ||
    amount === undefined ||
    firstTravelDate === undefined ||
    lastTravelDate === undefined ||
    refundable === undefined ||
    checkedBags === undefined ||
    tripType === undefined
  ) {
    return undefined;
  }
  return {
    carrier,
    origin,
    destination,
    cabin,
    fareBasis,
    bookingClass,
    amount,
    currency,
    firstTravelDate,
    lastTravelDate,
    ...(daysOfWeek === undefined ? {} : { daysOfWeek }),
    ...(advancePurchaseDays === undefined ? {} : { advancePurchaseDays }),
    ...(minStayDays === undefined ? {} : { minStayDays }),
    ...(maxStayDays === undefined ? {} : { maxStayDays }),
    refundable,
    checkedBags,
    tripType,
  };
}

function airport(f: FieldReader, column: string, airports: AirportDirectory): string | undefined {
  const code = f.code(column, /^[A-Z]{3}$/, 'an IATA airport code');
  if (code === undefined) return undefined;
  if (airports.byIata(code) === undefined) {
    f.fail(column, `unknown airport ${code}`);
    return undefined;
  }
  return code;
}

/** `days_of_week`: ISO weekday digits 1 (Monday) to 7 (Sunday), each at most once, stored ascending. */
function weekdays(f: FieldReader): string | undefined {
  const value = f.text('days_of_week', false);
  if (value === undefined) return undefined;
  const digits = [...value];
  if (!/^[1-7]{1,7}$/.test(value) || new Set(digits).size !== digits.length) {
    f.fail('days_of_week', `"${value}" is not weekday digits 1 (Monday) to 7 (Sunday), each at most once`);
    return undefined;
  }
  return digits.sort().join('');
}
