import type { CloudEvent } from '../../../ports/events.js';
import {
  INVENTORY_UPDATE_CHUNK_SIZE,
  type InventoryUpdate,
  type InventoryUpdates,
  type TouchedFlight,
  type TouchedInventory,
  type TouchedNight,
  UnknownInventoryError,
} from '../../../ports/inventory-updates.js';
import type { Cabin } from '../../../ports/store.js';
import type { AppendSignal } from '../append-signal.js';
import { type DynamoTable, type Item, inParallel, TransactionCancelled } from './dynamo-table.js';
import { FlightVersions, itemKey } from './flight-versions.js';
import { keys, PK } from './keys.js';
import { outboxItems } from './outbox-records.js';
import { TRANSACTION_LIMIT, transactWrite, type UpdateSpec, update, type WriteMode } from './writes.js';

type ListName = 'fares' | 'seats' | 'nights';

/** One checked item of an update: the write it makes and what it touches. */
interface PlannedWrite {
  list: ListName;
  index: number;
  spec: UpdateSpec;
  touched: { flight: TouchedFlight } | { night: TouchedNight };
}

/**
 * InventoryUpdates on the single table. Every named item is read first (one BatchGetItem round), so an
 * unknown one rejects before anything is written; then chunks of INVENTORY_UPDATE_CHUNK_SIZE items are
 * written, each with its events — in one TransactWriteItems call, or (conditional mode) as parallel
 * conditional updates followed by the events, since updates are absolute values and safe to repeat.
 */
export class DynamoInventoryUpdates implements InventoryUpdates {
  readonly #table: DynamoTable;
  readonly #signal: AppendSignal;
  readonly #mode: WriteMode;
  readonly #versions: FlightVersions;

  constructor(table: DynamoTable, signal: AppendSignal, mode: WriteMode) {
    this.#table = table;
    this.#signal = signal;
    this.#mode = mode;
    this.#versions = new FlightVersions(table);
  }

  async apply(
    update: InventoryUpdate,
    events: (touched: TouchedInventory) => readonly CloudEvent[],
  ): Promise<TouchedInventory> {
    const planned = await this.#plan(update);
    const all: TouchedInventory = { flights: [], hotelNights: [] };
    for (let i = 0; i < planned.length; i += INVENTORY_UPDATE_CHUNK_SIZE) {
      const chunk = planned.slice(i, i + INVENTORY_UPDATE_CHUNK_SIZE);
      const touched = touchedBy(chunk);
      await this.#write(chunk, events(touched));
      all.flights.push(...touched.flights);
      all.hotelNights.push(...touched.hotelNights);
    }
    return { flights: dedupe(all.flights, flightKey), hotelNights: dedupe(all.hotelNights, nightKey) };
  }

  async #write(chunk: PlannedWrite[], events: readonly CloudEvent[]): Promise<void> {
    const records = outboxItems(events);
    if (this.#mode === 'transaction' && chunk.length + records.length <= TRANSACTION_LIMIT) {
      try {
        await transactWrite(this.#table, 'apply inventory updates', [
          ...chunk.map((write) => ({ Update: write.spec })),
          ...records.map((Item) => ({ Put: { TableName: this.#table.name, Item } })),
        ]);
      } catch (error) {
        if (!(error instanceof TransactionCancelled)) throw error;
        // An item deleted since it was checked.
        throw new UnknownInventoryError(
          chunk
            .filter((_, i) => error.reasons[i] === 'ConditionalCheckFailed')
            .map(({ list, index }) => ({ list, index })),
        );
      }
    } else {
      await inParallel(chunk, 8, async (write) => {
        await update(this.#table, 'apply inventory updates', write.spec);
      });
      await this.#table.batchWrite(
        'append inventory events',
        records.map((put) => ({ put })),
      );
    }
    this.#signal.appended();
  }

  /** Reads every named item once and plans its write; rejects UnknownInventoryError before any write. */
  async #plan(update: InventoryUpdate): Promise<PlannedWrite[]> {
    const fares = update.fares ?? [];
    const seats = update.seats ?? [];
    const nights = update.nights ?? [];
    const flightIds = [...fares, ...seats].map((u) => u.flightId);
    const [flightItems, nightItems, hotelItems] = await Promise.all([
      // The items readers see now: a schedule import may have moved a flight to a new item.
      this.#versions.read(flightIds),
      this.#table.batchGet(
        'read room nights to update',
        nights.map((n) => keys.roomNight(n.hotelId, n.date, n.roomType)),
        ['hotelId', 'roomType', 'date'],
      ),
      this.#table.batchGet(
        'read hotels to update',
        nights.map((n) => keys.hotel(n.hotelId)),
        ['id', 'cityCode'],
      ),
    ]);
    const flights = new Map(flightItems.map((item) => [item.id as string, item]));
    const knownNights = new Set(nightItems.map((item) => `${item.hotelId}|${item.roomType}|${item.date}`));
    const cities = new Map(hotelItems.map((item) => [item.id as string, item.cityCode as string]));

    const missing: { list: ListName; index: number }[] = [];
    const planned: PlannedWrite[] = [];
    const planFlight = (
      list: 'fares' | 'seats',
      index: number,
      flightId: string,
      cabin: Cabin,
      spec: UpdateSpec,
    ) => {
      const flight = flights.get(flightId);
      if (flight === undefined || cabinOf(flight, cabin) === undefined) {
        missing.push({ list, index });
        return;
      }
      planned.push({ list, index, spec, touched: { flight: touchedFlight(flight, cabin) } });
    };
    fares.forEach((fare, index) => {
      const taxes = fare.taxes === undefined ? '' : ', cabins.#cabin.taxes = :taxes';
      planFlight('fares', index, fare.flightId, fare.cabin, {
        ...this.#cabinUpdate(flights.get(fare.flightId), fare.cabin),
        UpdateExpression: `SET cabins.#cabin.fare = :fare${taxes}`,
        ExpressionAttributeValues: {
          ':fare': fare.fare,
          ...(fare.taxes === undefined ? {} : { ':taxes': fare.taxes }),
        },
      });
    });
    seats.forEach((s, index) => {
      const capacity = cabinOf(flights.get(s.flightId), s.cabin)?.capacity ?? 0;
      // A cabin refilled beyond what it was built with grows: seatsLeft <= capacity stays true.
      planFlight('seats', index, s.flightId, s.cabin, {
        ...this.#cabinUpdate(flights.get(s.flightId), s.cabin),
        ExpressionAttributeNames: { '#cabin': s.cabin, '#capacity': 'capacity' },
        UpdateExpression: 'SET cabins.#cabin.seatsLeft = :seats, cabins.#cabin.#capacity = :capacity',
        ExpressionAttributeValues: { ':seats': s.seatsLeft, ':capacity': Math.max(capacity, s.seatsLeft) },
      });
    });
    nights.forEach((night, index) => {
      const cityCode = cities.get(night.hotelId);
      if (!knownNights.has(`${night.hotelId}|${night.roomType}|${night.date}`) || cityCode === undefined) {
        missing.push({ list: 'nights', index });
        return;
      }
      const sets = [
        ...(night.rate === undefined ? [] : ['#rate = :rate']),
        ...(night.roomsLeft === undefined ? [] : ['#roomsLeft = :rooms']),
      ];
      planned.push({
        list: 'nights',
        index,
        spec: {
          TableName: this.#table.name,
          Key: keys.roomNight(night.hotelId, night.date, night.roomType),
          // Nothing to change still touches the night (and proves it exists).
          UpdateExpression: `SET ${sets.length > 0 ? sets.join(', ') : '#hotelId = :hotel'}`,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: {
            '#pk': PK,
            ...(night.rate === undefined ? {} : { '#rate': 'rate' }),
            ...(night.roomsLeft === undefined ? {} : { '#roomsLeft': 'roomsLeft' }),
            ...(sets.length > 0 ? {} : { '#hotelId': 'hotelId' }),
          },
          ExpressionAttributeValues: {
            ...(night.rate === undefined ? {} : { ':rate': night.rate }),
            ...(night.roomsLeft === undefined ? {} : { ':rooms': night.roomsLeft }),
            ...(sets.length > 0 ? {} : { ':hotel': night.hotelId }),
          },
        },
        touched: {
          night: { hotelId: night.hotelId, roomType: night.roomType, cityCode, date: night.date },
        },
      });
    });
    if (missing.length > 0) throw new UnknownInventoryError(missing);
    return planned;
  }

  #cabinUpdate(flight: Item | undefined, cabin: Cabin): Omit<UpdateSpec, 'UpdateExpression'> {
    return {
      TableName: this.#table.name,
      // A missing flight's spec is never written: planFlight reports it instead.
      Key: flight === undefined ? keys.flight('') : itemKey(flight),
      ConditionExpression: 'attribute_exists(cabins.#cabin)',
      ExpressionAttributeNames: { '#cabin': cabin },
    };
  }
}

function cabinOf(flight: Item | undefined, cabin: Cabin): { capacity: number } | undefined {
  return (flight?.cabins as Record<string, { capacity: number }> | undefined)?.[cabin];
}

function touchedFlight(flight: Item, cabin: Cabin): TouchedFlight {
  return {
    flightId: flight.id as string,
    cabin,
    origin: flight.origin as string,
    destination: flight.destination as string,
    departureDate: new Date(flight.departureUtc as number).toISOString().slice(0, 10),
  };
}

function touchedBy(chunk: readonly PlannedWrite[]): TouchedInventory {
  const flights: TouchedFlight[] = [];
  const hotelNights: TouchedNight[] = [];
  for (const write of chunk) {
    if ('flight' in write.touched) flights.push(write.touched.flight);
    else hotelNights.push(write.touched.night);
  }
  return { flights: dedupe(flights, flightKey), hotelNights: dedupe(hotelNights, nightKey) };
}

const flightKey = (f: TouchedFlight): string => `${f.flightId}|${f.cabin}`;
const nightKey = (n: TouchedNight): string => `${n.hotelId}|${n.roomType}|${n.date}`;

function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}
