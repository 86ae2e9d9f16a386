import { isCalendarDate } from '../../kernel/zoned-time.js';
import type { Passenger, PassengerType } from '../../ports/bookings.js';
import type { SupplierPassengerField } from '../../ports/supplier.js';
import type { FieldError } from '../errors.js';
import { fareTypeOf, type PassengerCounts } from '../pricing/passenger-pricing.js';

/** Ages (whole years, at the date of travel) of each passenger type, as IATA airlines define them. */
const AGE_RANGES: Record<PassengerType, { min: number; max: number }> = {
  adult: { min: 12, max: 130 },
  child: { min: 2, max: 11 },
  seated_infant: { min: 0, max: 1 },
  infant: { min: 0, max: 1 },
};

/** When the trip happens, in local calendar dates of departure (or check-in and check-out). */
export interface TravelDates {
  /** First day of travel: each passenger's type is judged by their age on it. */
  first: string;
  /** Last day of travel: an infant must still be under 2 on it (else it needs a seat of its own). */
  last: string;
}

/**
 * Field errors (named `body.passengers…`) of passengers that do not match the counts the offer was
 * priced for, or whose date of birth does not fit their type at travel. Empty when all is well.
 */
export function passengerErrors(
  passengers: readonly Passenger[],
  counts: PassengerCounts,
  travel: TravelDates,
  datesOfBirth: 'required' | 'optional' = 'required',
): FieldError[] {
  const errors: FieldError[] = [];
  const given = { adults: 0, children: 0, infants: 0 };
  for (const passenger of passengers) {
    // A seated infant takes a child's seat and fare (fareTypeOf), so it fills a child of the offer.
    const fare = fareTypeOf(passenger.type);
    if (fare === 'adult') given.adults++;
    else if (fare === 'child') given.children++;
    else given.infants++;
  }
  if (
    given.adults !== counts.adults ||
    given.children !== counts.children ||
    given.infants !== counts.infants
  ) {
    errors.push({
      field: 'body.passengers',
      message: `the offer is for ${describe(counts)}; the request lists ${describe(given)}`,
    });
  }
  passengers.forEach((passenger, index) => {
    const field = `body.passengers.${index}.dateOfBirth`;
    if (passenger.dateOfBirth === undefined) {
      if (datesOfBirth === 'required') errors.push({ field, message: 'is required' });
      return;
    }
    if (!isCalendarDate(passenger.dateOfBirth)) {
      errors.push({ field, message: 'must be a calendar date YYYY-MM-DD' });
      return;
    }
    if (passenger.dateOfBirth > travel.first) {
      errors.push({ field, message: 'must be before the date of travel' });
      return;
    }
    const range = AGE_RANGES[passenger.type];
    const age = ageOn(passenger.dateOfBirth, travel.first);
    if (age < range.min || age > range.max) {
      errors.push({
        field,
        message: `a passenger of type ${passenger.type} must be ${range.min}–${range.max} years old on ${travel.first}; this one is ${age}`,
      });
    } else if (passenger.type === 'infant' && ageOn(passenger.dateOfBirth, travel.last) > range.max) {
      errors.push({
        field,
        message: `an infant turns 2 before ${travel.last} and then needs a seat: book as a seated infant or a child`,
      });
    }
  });
  return errors;
}

/**
 * Field errors of passengers missing a field the offer's supplier needs on every order (Duffel
 * needs title and gender), so the booking is refused before anything is ordered.
 */
export function missingFieldErrors(
  passengers: readonly Passenger[],
  required: readonly SupplierPassengerField[],
): FieldError[] {
  return passengers.flatMap((passenger, index) =>
    required
      .filter((field) => passenger[field] === undefined)
      .map((field) => ({
        field: `body.passengers.${index}.${field}`,
        message: "is required by this offer's supplier",
      })),
  );
}

/** Whole years from `dateOfBirth` to `date` (both YYYY-MM-DD); a 29 February birthday counts on 1 March. */
export function ageOn(dateOfBirth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return date.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

function describe(counts: PassengerCounts): string {
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  return [
    plural(counts.adults, 'adult', 'adults'),
    plural(counts.children, 'child', 'children'),
    plural(counts.infants, 'infant', 'infants'),
  ].join(', ');
}
