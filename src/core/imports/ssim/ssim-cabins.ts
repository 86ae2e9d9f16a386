import type { Cabin } from '../../../ports/store.js';
import { AIRCRAFT_BY_CODE } from '../../demo-inventory/reference/aircraft-types.js';

/**
 * Which cabin a booking designator or configuration letter sells. Airlines assign letters freely
 * within a cabin; these are the conventional ones (F/A/P first, J/C/D/I/Z/R business, W/E premium
 * economy); every other letter is an economy booking class.
 */
export function cabinOfLetter(letter: string): Cabin {
  if ('FAP'.includes(letter)) return 'first';
  if ('JCDIZR'.includes(letter)) return 'business';
  if ('WE'.includes(letter)) return 'premium_economy';
  return 'economy';
}

/** The letter the exporter writes for each cabin, and the one a configuration string uses. */
export const CABIN_LETTER: Readonly<Record<Cabin, string>> = {
  first: 'F',
  business: 'J',
  premium_economy: 'W',
  economy: 'Y',
};

/**
 * Seats per cabin of a leg: from the aircraft configuration/version (e.g. `J14W34Y316`) when the
 * file gives one, else the aircraft type's typical layout restricted to the cabins the passenger
 * reservations booking designators (PRBD) sell. Undefined with a reason when neither tells.
 */
export function seatsPerCabin(
  configuration: string,
  prbd: string,
  aircraft: string,
): { seats: Partial<Record<Cabin, number>> } | { error: { field: string; message: string } } {
  if (configuration !== '') {
    const seats: Partial<Record<Cabin, number>> = {};
    const pattern = /([A-Z])(\d{1,3})/g;
    let consumed = 0;
    for (let match = pattern.exec(configuration); match; match = pattern.exec(configuration)) {
      if (match.index !== consumed) break;
      consumed += match[0].length;
      const cabin = cabinOfLetter(match[1] as string);
      seats[cabin] = (seats[cabin] ?? 0) + Number(match[2]);
    }
    if (consumed === configuration.length && Object.values(seats).some((n) => (n ?? 0) > 0)) {
      return { seats: dropEmpty(seats) };
    }
    // Some files put a configuration code (e.g. "VER001") here: fall back to the aircraft type.
    if (!AIRCRAFT_BY_CODE.has(aircraft)) {
      return {
        error: {
          field: 'aircraft_configuration',
          message: `"${configuration}" is not a configuration (cabin letter + seats, e.g. J14W34Y316) and aircraft type ${aircraft} has no known layout`,
        },
      };
    }
  }
  const type = AIRCRAFT_BY_CODE.get(aircraft);
  if (!type) {
    return {
      error: {
        field: 'aircraft_configuration',
        message: `no aircraft configuration given and aircraft type ${aircraft} has no known layout; give seats per cabin (e.g. J14W34Y316)`,
      },
    };
  }
  const sold = new Set([...prbd].filter((c) => /[A-Z]/.test(c)).map(cabinOfLetter));
  const seats: Partial<Record<Cabin, number>> = {};
  for (const [cabin, n] of Object.entries(type.seats) as [Cabin, number][]) {
    if (sold.size === 0 || sold.has(cabin)) seats[cabin] = n;
  }
  // A PRBD selling only cabins the type's layout lacks: all its seats in economy, as the layout says.
  if (Object.keys(seats).length === 0) seats.economy = type.lccSeats;
  return { seats };
}

function dropEmpty(seats: Partial<Record<Cabin, number>>): Partial<Record<Cabin, number>> {
  return Object.fromEntries(Object.entries(seats).filter(([, n]) => (n ?? 0) > 0));
}

/** `J14W34Y316` from seats per cabin, in the order first, business, premium economy, economy. */
export function configurationOf(seats: Partial<Record<Cabin, number>>): string {
  return (['first', 'business', 'premium_economy', 'economy'] as const)
    .filter((cabin) => (seats[cabin] ?? 0) > 0)
    .map((cabin) => `${CABIN_LETTER[cabin]}${seats[cabin]}`)
    .join('');
}
