import { addDays } from '../../kernel/zoned-time.js';
import type { Clock } from '../../ports/clock.js';
import type { CloudEvent } from '../../ports/events.js';
import type {
  FareUpdate,
  InventoryUpdate,
  InventoryUpdates,
  RoomNightUpdate,
  SeatsUpdate,
  TouchedInventory,
} from '../../ports/inventory-updates.js';
import { UnknownInventoryError } from '../../ports/inventory-updates.js';
import type { Cabin, InventoryStore } from '../../ports/store.js';
import { DomainError, type FieldError } from '../errors.js';
import { eventFactory } from '../events/create-event.js';
import type { InventoryChangedData } from '../events/inventory-events.js';
import { parseAmount } from '../money/money.js';

/** A new fare of a flight cabin, as an operator writes it: a decimal string in the flight's currency. */
export interface FareChange {
  flightId: string;
  cabin: Cabin;
  fare: string;
  taxes?: string;
}

/** A new nightly rate of a room type, a decimal string in the night's currency. */
export interface RateChange {
  hotelId: string;
  roomType: string;
  date: string;
  rate: string;
}

export interface SeatsChange {
  flightId: string;
  cabin: Cabin;
  seatsLeft: number;
}

export interface RoomsChange {
  hotelId: string;
  roomType: string;
  date: string;
  roomsLeft: number;
}

/** What one bulk update changed, and the ids of the events announcing it (one per stored chunk). */
export interface InventoryChangeResult {
  touched: TouchedInventory;
  /** The first of `eventIds`. */
  eventId: string;
  /** One event per chunk the store applied (ports/inventory-updates.ts); usually one. */
  eventIds: string[];
}

export interface InventoryAdminDependencies {
  store: InventoryStore;
  updates: InventoryUpdates;
  clock: Clock;
  eventSource: string;
  /**
   * Told the events of each change once it committed, before the caller is answered (this instance
   * drops the cached searches they make stale at once); must not reject.
   */
  afterCommit?: (events: readonly CloudEvent[]) => Promise<void>;
}

/**
 * Operators' bulk price and availability changes (`POST /v1/admin/fares`, `/v1/admin/availability`):
 * validate every item (naming the field of each bad one), then apply them, all or nothing per store
 * chunk (ports/inventory-updates.ts), each chunk with one `price.updated` or `availability.changed`
 * event saying which routes, UTC dates, cities and nights changed, so every instance's cache drops
 * exactly those searches.
 */
export class InventoryAdmin {
  readonly #deps: InventoryAdminDependencies;
  readonly #event;

  constructor(deps: InventoryAdminDependencies) {
    this.#deps = deps;
    this.#event = eventFactory({ source: deps.eventSource, clock: deps.clock });
  }

  /** Sets fares and nightly rates; emits `price.updated`. */
  async changePrices(
    flights: readonly FareChange[],
    hotels: readonly RateChange[],
  ): Promise<InventoryChangeResult> {
    const errors: FieldError[] = [];
    const currencies = await this.#flightCurrencies(flights, errors);
    const nightCurrencies = await this.#nightCurrencies(hotels, errors);
    const fares: FareUpdate[] = [];
    flights.forEach((change, index) => {
      const currency = currencies.get(`${change.flightId}|${change.cabin}`);
      if (currency === undefined) return;
      const fare = amount(change.fare, currency, `body.flights.${index}.fare`, errors);
      const taxes =
        change.taxes === undefined
          ? undefined
          : amount(change.taxes, currency, `body.flights.${index}.taxes`, errors);
      if (fare !== undefined)
        fares.push({
          flightId: change.flightId,
          cabin: change.cabin,
          fare,
          ...(taxes === undefined ? {} : { taxes }),
        });
    });
    const nights: RoomNightUpdate[] = [];
    hotels.forEach((change, index) => {
      const currency = nightCurrencies.get(nightKey(change));
      if (currency === undefined) return;
      const rate = amount(change.rate, currency, `body.hotels.${index}.rate`, errors);
      if (rate !== undefined)
        nights.push({ hotelId: change.hotelId, roomType: change.roomType, date: change.date, rate });
    });
    return this.#apply({ fares, nights }, errors, 'price.updated');
  }

  /** Sets seats and rooms left; emits `availability.changed`. */
  async changeAvailability(
    flights: readonly SeatsChange[],
    hotels: readonly RoomsChange[],
  ): Promise<InventoryChangeResult> {
    const errors = nothingToDo(flights, hotels);
    await this.#flightCurrencies(flights, errors);
    await this.#nightCurrencies(hotels, errors);
    const seats: SeatsUpdate[] = flights.map(({ flightId, cabin, seatsLeft }) => ({
      flightId,
      cabin,
      seatsLeft,
    }));
    const nights: RoomNightUpdate[] = hotels.map(({ hotelId, roomType, date, roomsLeft }) => ({
      hotelId,
      roomType,
      date,
      roomsLeft,
    }));
    return this.#apply({ seats, nights }, errors, 'availability.changed');
  }

  async #apply(
    update: InventoryUpdate,
    errors: FieldError[],
    type: 'price.updated' | 'availability.changed',
  ): Promise<InventoryChangeResult> {
    if (errors.length > 0) throw invalid(errors);
    const events: CloudEvent[] = [];
    try {
      const touched = await this.#deps.updates.apply(update, (touched) => {
        const data: InventoryChangedData = { ...touched, reason: 'admin' };
        const event = this.#event(type, data);
        events.push(event);
        return [event];
      });
      await this.#deps.afterCommit?.(events);
      const eventIds = events.map((event) => event.id);
      return { touched, eventId: eventIds[0] ?? '', eventIds };
    } catch (error) {
      // Deleted between the check above and the transaction: same answer as if it had never existed.
      if (!(error instanceof UnknownInventoryError)) throw error;
      throw invalid(
        error.missing.map(({ list, index }) => ({
          field: `body.${list === 'nights' ? 'hotels' : 'flights'}.${index}`,
          message: 'names inventory that does not exist',
        })),
      );
    }
  }

  /** Currency of each named flight cabin by "flightId|cabin"; a field error for each unknown one. */
  async #flightCurrencies(
    changes: readonly { flightId: string; cabin: Cabin }[],
    errors: FieldError[],
  ): Promise<Map<string, string>> {
    const flights = new Map(
      (await this.#deps.store.getFlights([...new Set(changes.map((c) => c.flightId))])).map((f) => [f.id, f]),
    );
    const currencies = new Map<string, string>();
    changes.forEach((change, index) => {
      const flight = flights.get(change.flightId);
      if (flight === undefined) {
        errors.push({
          field: `body.flights.${index}.flightId`,
          message: `no flight has id ${change.flightId}`,
        });
      } else if (!flight.cabins.some((c) => c.cabin === change.cabin)) {
        errors.push({
          field: `body.flights.${index}.cabin`,
          message: `flight ${change.flightId} has no ${change.cabin} cabin`,
        });
      } else {
        currencies.set(`${change.flightId}|${change.cabin}`, flight.currency);
      }
    });
    return currencies;
  }

  /** Currency of each named room night; a field error for each unknown one. */
  async #nightCurrencies(
    changes: readonly { hotelId: string; roomType: string; date: string }[],
    errors: FieldError[],
  ): Promise<Map<string, string>> {
    const currencies = new Map<string, string>();
    const byHotel = new Map<string, string[]>();
    for (const change of changes)
      byHotel.set(change.hotelId, [...(byHotel.get(change.hotelId) ?? []), change.date]);
    for (const [hotelId, dates] of byHotel) {
      const sorted = [...dates].sort();
      const first = sorted[0] as string;
      const last = sorted[sorted.length - 1] as string;
      for (const night of await this.#deps.store.findRoomNights([hotelId], first, addDays(last, 1))) {
        currencies.set(nightKey(night), night.currency);
      }
    }
    changes.forEach((change, index) => {
      if (!currencies.has(nightKey(change))) {
        errors.push({
          field: `body.hotels.${index}`,
          message: `hotel ${change.hotelId} has no ${change.roomType} room night on ${change.date}`,
        });
      }
    });
    return currencies;
  }
}

/** A field error when a bulk update lists nothing at all (an event saying "nothing changed" helps no one). */
function nothingToDo(flights: readonly unknown[], hotels: readonly unknown[]): FieldError[] {
  return flights.length + hotels.length === 0
    ? [{ field: 'body', message: 'must list at least one flight or hotel update' }]
    : [];
}

const nightKey = (n: { hotelId: string; roomType: string; date: string }): string =>
  `${n.hotelId}|${n.roomType}|${n.date}`;

function amount(value: string, currency: string, field: string, errors: FieldError[]): number | undefined {
  const minor = parseAmount(value, currency);
  if (minor === undefined) errors.push({ field, message: `must be a decimal amount in ${currency}` });
  return minor;
}

function invalid(errors: FieldError[]): DomainError {
  return new DomainError('validation-failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), {
    errors,
  });
}
