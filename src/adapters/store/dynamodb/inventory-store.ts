import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { distanceKm } from '../../../kernel/great-circle.js';
import type {
  AirlineRecord,
  FlightLegQuery,
  FlightRecord,
  HotelLocator,
  HotelRecord,
  InventoryStats,
  InventoryStore,
  InventoryWriter,
  RoomNightRecord,
  RouteRecord,
} from '../../../ports/store.js';
import { StoreUnavailableError } from '../../../ports/store.js';
import { type BatchWrite, ConditionFailed, type DynamoTable, type Item, inParallel } from './dynamo-table.js';
import { FlightVersions, isVisible, type SchedulePointers } from './flight-versions.js';
import {
  flightItem,
  hotelGeoItem,
  hotelItem,
  latitudeBand,
  roomNightItem,
  toFlight,
  toHotel,
  toRoomNight,
} from './inventory-items.js';
import {
  INVENTORY_KINDS,
  type ItemKind,
  KIND,
  keys,
  LOOKUP_INDEX,
  LOOKUP_PK,
  LOOKUP_SK,
  PK,
  paddedMs,
  SK,
} from './keys.js';
import { addRouteCarriers } from './route-items.js';

/** Route upserts of one putFlights call in flight at once. */
const ROUTE_WRITE_CONCURRENCY = 16;

/**
 * InventoryStore on the single table. Reads are key lookups or one query per route, hotel or
 * latitude band, so a search level costs a fixed number of parallel round trips; writes go in
 * BatchWriteItem batches. `stats` and `clearInventory` scan the table: operator paths, not requests.
 */
export class DynamoInventoryStore implements InventoryStore {
  readonly #table: DynamoTable;
  readonly #versions: FlightVersions;
  /**
   * Carriers this process has already added to each route: seeding writes a route's flights day by
   * day, and each route item need only be written once per new carrier, not once per batch.
   */
  readonly #routesWritten = new Map<string, Set<string>>();

  constructor(table: DynamoTable) {
    this.#table = table;
    this.#versions = new FlightVersions(table);
  }

  async listRoutes(): Promise<RouteRecord[]> {
    const items = await this.#table.queryAll('list routes', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': keys.routesPartition },
      ConsistentRead: true,
    });
    return items.map((item) => ({
      origin: item.origin as string,
      destination: item.destination as string,
      carriers: [...((item.carriers as Set<string> | undefined) ?? [])].sort(),
    }));
  }

  async findFlights(query: FlightLegQuery): Promise<FlightRecord[]> {
    return this.#findFlights(query, await this.#versions.pointers());
  }

  /**
   * The pointers are read before the flights: items of the generation they name are all written
   * before it becomes current and kept for a grace period after it stops being (flight-versions.ts).
   */
  async #findFlights(query: FlightLegQuery, pointers: SchedulePointers): Promise<FlightRecord[]> {
    if (query.departTo <= query.departFrom) return [];
    const items = await this.#table.queryAll('find flights', {
      IndexName: LOOKUP_INDEX,
      KeyConditionExpression: '#pk = :route AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': LOOKUP_PK, '#sk': LOOKUP_SK },
      ExpressionAttributeValues: {
        ':route': keys.routeLookup(query.origin, query.destination),
        ':from': paddedMs(query.departFrom),
        // "$" sorts after "#": every flight departing in the last millisecond before departTo.
        ':to': `${paddedMs(query.departTo - 1)}$`,
      },
    });
    return items.filter((item) => isVisible(item, pointers)).map(toFlight);
  }

  async findFlightsOnLegs(queries: readonly FlightLegQuery[]): Promise<FlightRecord[][]> {
    // All legs at once, under one read of the pointers: the level costs two round trips of latency,
    // not one per route.
    const pointers = await this.#versions.pointers();
    return Promise.all(queries.map((query) => this.#findFlights(query, pointers)));
  }

  async getFlights(ids: readonly string[]): Promise<FlightRecord[]> {
    return (await this.#versions.read(ids)).map(toFlight);
  }

  async listAirlines(codes?: readonly string[]): Promise<AirlineRecord[]> {
    const items =
      codes === undefined
        ? await this.#table.queryAll('list airlines', {
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':pk': keys.airlinesPartition },
            ConsistentRead: true,
          })
        : await this.#table.batchGet('read airlines', codes.map(keys.airline));
    return items
      .map((item) => ({
        iata: item.iata as string,
        name: item.name as string,
        country: item.country as string,
      }))
      .sort((a, b) => a.iata.localeCompare(b.iata));
  }

  async findHotels(locator: HotelLocator): Promise<HotelRecord[]> {
    if ('cityCode' in locator) {
      const items = await this.#table.queryAll('find hotels', {
        IndexName: LOOKUP_INDEX,
        KeyConditionExpression: '#pk = :city',
        ExpressionAttributeNames: { '#pk': LOOKUP_PK },
        ExpressionAttributeValues: { ':city': keys.cityLookup(locator.cityCode) },
      });
      return items.map(toHotel).sort(byId);
    }
    const { latitude, longitude, radiusKm } = locator;
    const dLat = radiusKm / 111.2;
    const bands: number[] = [];
    for (let band = latitudeBand(latitude - dLat); band <= latitudeBand(latitude + dLat); band += 1) {
      bands.push(band);
    }
    const perBand = await Promise.all(
      bands.map((band) =>
        this.#table.queryAll('find hotels near a point', {
          KeyConditionExpression: '#pk = :band',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':band': keys.hotelGeoPartition(band) },
        }),
      ),
    );
    return perBand
      .flat()
      .map(toHotel)
      .filter((hotel) => distanceKm(hotel, { latitude, longitude }) <= radiusKm)
      .sort(byId);
  }

  async getHotels(ids: readonly string[]): Promise<HotelRecord[]> {
    const items = await this.#table.batchGet('read hotels', ids.map(keys.hotel));
    return items.map(toHotel);
  }

  async findRoomNights(
    hotelIds: readonly string[],
    checkIn: string,
    checkOut: string,
  ): Promise<RoomNightRecord[]> {
    if (checkOut <= checkIn) return [];
    const perHotel = await Promise.all(
      [...new Set(hotelIds)].map((hotelId) =>
        this.#table.queryAll('find room nights', {
          // Sort keys are NIGHT#<date>#<room type>: NIGHT#<checkOut> sorts before any night of checkOut.
          KeyConditionExpression: '#pk = :hotel AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: {
            ':hotel': keys.hotelPartition(hotelId),
            ':from': `${keys.roomNightPrefix}${checkIn}`,
            ':to': `${keys.roomNightPrefix}${checkOut}`,
          },
          ConsistentRead: true,
        }),
      ),
    );
    return perHotel
      .flat()
      .map(toRoomNight)
      .sort(
        (a, b) =>
          a.hotelId.localeCompare(b.hotelId) ||
          a.roomType.localeCompare(b.roomType) ||
          a.date.localeCompare(b.date),
      );
  }

  async putAirlines(airlines: readonly AirlineRecord[]): Promise<void> {
    await this.#table.batchWrite(
      'write airlines',
      airlines.map((a) => ({
        put: { ...keys.airline(a.iata), [KIND]: 'airline', iata: a.iata, name: a.name, country: a.country },
      })),
    );
  }

  async putFlights(flights: readonly FlightRecord[]): Promise<void> {
    await this.#table.batchWrite(
      'write flights',
      flights.map((flight) => ({ put: flightItem(flight) })),
    );
    const routes = new Map<string, { origin: string; destination: string; carriers: Set<string> }>();
    for (const f of flights) {
      const route = routes.get(`${f.origin}#${f.destination}`) ?? {
        origin: f.origin,
        destination: f.destination,
        carriers: new Set<string>(),
      };
      if (this.#routesWritten.get(`${f.origin}#${f.destination}`)?.has(f.carrier)) continue;
      route.carriers.add(f.carrier);
      routes.set(`${f.origin}#${f.destination}`, route);
    }
    await inParallel([...routes.values()], ROUTE_WRITE_CONCURRENCY, async (route) => {
      await addRouteCarriers(this.#table, route);
      const written = this.#routesWritten.get(`${route.origin}#${route.destination}`) ?? new Set<string>();
      for (const carrier of route.carriers) written.add(carrier);
      this.#routesWritten.set(`${route.origin}#${route.destination}`, written);
    });
  }

  async putHotels(hotels: readonly HotelRecord[]): Promise<void> {
    // A hotel that moved to another latitude band leaves its old copy behind unless deleted here.
    const previous = await this.#table.batchGet(
      'read hotels',
      hotels.map((h) => keys.hotel(h.id)),
      ['id', 'latitude'],
    );
    const previousBand = new Map(
      previous.map((item) => [item.id as string, latitudeBand(item.latitude as number)]),
    );
    const writes: BatchWrite[] = [];
    for (const hotel of hotels) {
      writes.push({ put: hotelItem(hotel) }, { put: hotelGeoItem(hotel) });
      const band = previousBand.get(hotel.id);
      if (band !== undefined && band !== latitudeBand(hotel.latitude)) {
        writes.push({ delete: keys.hotelGeo(band, hotel.id) });
      }
    }
    await this.#table.batchWrite('write hotels', writes);
  }

  async putRoomNights(nights: readonly RoomNightRecord[]): Promise<void> {
    await this.#table.batchWrite(
      'write room nights',
      nights.map((night) => ({ put: roomNightItem(night) })),
    );
  }

  async replaceInventory(fill: (writer: InventoryWriter) => Promise<void>): Promise<void> {
    // Batch writes are the fastest path DynamoDB has: a clear and the ordinary writes.
    await this.clearInventory();
    await fill(this);
  }

  async clearInventory(): Promise<void> {
    this.#routesWritten.clear();
    const items = await this.#inventoryItems();
    await this.#table.batchWrite(
      'clear the inventory',
      items.map((item) => ({ delete: { [PK]: item[PK] as string, [SK]: item[SK] as string } })),
    );
  }

  async stats(): Promise<InventoryStats> {
    const counts = new Map<string, number>();
    for (const item of await this.#inventoryItems()) {
      const kind = item[KIND] as string;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    const count = (kind: ItemKind): number => counts.get(kind) ?? 0;
    return {
      airlines: count('airline'),
      flights: count('flight'),
      routes: count('route'),
      hotels: count('hotel'),
      roomNights: count('room-night'),
    };
  }

  async getSetting(name: string): Promise<string | undefined> {
    const answer = await this.#table.run('read a setting', (c) =>
      c.send(new GetCommand({ TableName: this.#table.name, Key: keys.setting(name), ConsistentRead: true })),
    );
    return answer.Item?.value as string | undefined;
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.#table.run('write a setting', (c) =>
      c.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: { ...keys.setting(name), [KIND]: 'setting', value },
        }),
      ),
    );
  }

  async setSettingIfAbsent(name: string, value: string): Promise<string> {
    try {
      await this.#table.run('write a setting', (c) =>
        c.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: { ...keys.setting(name), [KIND]: 'setting', value },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        ),
      );
      return value;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
    // Settings are never deleted, so the item that failed the condition is there to read.
    const stored = await this.getSetting(name);
    if (stored === undefined)
      throw new StoreUnavailableError(`setting ${name} vanished after it was written`);
    return stored;
  }

  async ping(): Promise<void> {
    await this.#table.run('reach DynamoDB', (c) =>
      c.send(new GetCommand({ TableName: this.#table.name, Key: keys.setting('ping') })),
    );
  }

  /** Keys and kind of every inventory item (a scan: seeding and operator paths only). */
  async #inventoryItems(): Promise<Item[]> {
    const kinds = Object.fromEntries(INVENTORY_KINDS.map((kind, i) => [`:k${i}`, kind]));
    return this.#table.scanAll('scan the inventory', {
      FilterExpression: `#kind IN (${Object.keys(kinds).join(', ')})`,
      ProjectionExpression: '#pk, #sk, #kind',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK, '#kind': KIND },
      ExpressionAttributeValues: kinds,
    });
  }
}

const byId = (a: { id: string }, b: { id: string }): number => a.id.localeCompare(b.id);
