import type { TouchedFlight } from '../../ports/inventory-updates.js';
import type { Cabin, FlightRecord, HotelRecord, RoomNightRecord } from '../../ports/store.js';

/**
 * A row of `hotels` in both relational backends (SQLite, PostgreSQL). The JSON columns are as the
 * driver returns them: PostgreSQL parses json columns, SQLite hands back the text (`HotelRow<string>`).
 */
export interface HotelRow<Amenities = string[], RoomTypes = HotelRecord['roomTypes']> {
  id: string;
  name: string;
  city_code: string;
  stars: number;
  latitude: number;
  longitude: number;
  address: string;
  amenities: Amenities;
  room_types: RoomTypes;
}

/** A row of `room_nights` as selected by ROOM_NIGHT_COLUMNS. */
export interface RoomNightRow {
  hotel_id: string;
  room_type: string;
  date: string;
  rate: number;
  currency: string;
  rooms_left: number;
}

export const ROOM_NIGHT_COLUMNS = 'hotel_id, room_type, date, rate, currency, rooms_left';

export function toHotel(row: HotelRow): HotelRecord {
  return {
    id: row.id,
    name: row.name,
    cityCode: row.city_code,
    stars: row.stars,
    latitude: row.latitude,
    longitude: row.longitude,
    address: row.address,
    amenities: row.amenities,
    roomTypes: row.room_types,
  };
}

export function toRoomNight(row: RoomNightRow): RoomNightRecord {
  return {
    hotelId: row.hotel_id,
    roomType: row.room_type,
    date: row.date,
    rate: row.rate,
    currency: row.currency,
    roomsLeft: row.rooms_left,
  };
}

/**
 * A latitude/longitude box holding every point within `radiusKm` of a centre, for an index range
 * scan; the caller then keeps what is really within the radius. Longitude degrees shrink towards the
 * poles, so the box widens with latitude (capped near a pole).
 */
export function boxAround(
  latitude: number,
  longitude: number,
  radiusKm: number,
): { minLatitude: number; maxLatitude: number; minLongitude: number; maxLongitude: number } {
  const dLat = radiusKm / 111.2;
  const dLon = radiusKm / (111.2 * Math.max(0.01, Math.cos((latitude * Math.PI) / 180)));
  return {
    minLatitude: latitude - dLat,
    maxLatitude: latitude + dLat,
    minLongitude: longitude - dLon,
    maxLongitude: longitude + dLon,
  };
}

/** The routes a batch of flights flies, each with the carriers flying it in the batch. */
export function routesFlown(
  flights: readonly FlightRecord[],
): { origin: string; destination: string; carriers: Set<string> }[] {
  const routes = new Map<string, { origin: string; destination: string; carriers: Set<string> }>();
  for (const f of flights) {
    const key = `${f.origin}|${f.destination}`;
    const route = routes.get(key) ?? { origin: f.origin, destination: f.destination, carriers: new Set() };
    route.carriers.add(f.carrier);
    routes.set(key, route);
  }
  return [...routes.values()];
}

/** What an inventory update reads of a flight it touched: its route and departure. */
export interface FlightRouteRow {
  origin: string;
  destination: string;
  departure_utc: number;
}

/** A touched cabin as InventoryUpdates reports it, from its flight's row. */
export function toTouchedFlight(flightId: string, cabin: Cabin, row: FlightRouteRow): TouchedFlight {
  return {
    flightId,
    cabin,
    origin: row.origin,
    destination: row.destination,
    departureDate: new Date(row.departure_utc).toISOString().slice(0, 10),
  };
}
