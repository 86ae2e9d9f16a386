import type {
  Cabin,
  CabinInventory,
  FlightRecord,
  HotelRecord,
  RoomNightRecord,
} from '../../../ports/store.js';
import type { Item } from './dynamo-table.js';
import { KIND, keys, LOOKUP_PK, LOOKUP_SK } from './keys.js';

/** Cabins of a flight item: a map by cabin name, so a booking updates one cabin's seats in place. */
type CabinMap = Partial<Record<Cabin, Omit<CabinInventory, 'cabin'>>>;

/**
 * One flight with all its cabins is one item keyed by id (bookings and getFlights address it
 * directly); the lookup index finds it by route and departure. `holds` records which booking took
 * how many seats, so giving seats back happens at most once per booking.
 */
export function flightItem(flight: FlightRecord): Item {
  const cabins: CabinMap = {};
  for (const { cabin, ...inventory } of flight.cabins) cabins[cabin] = inventory;
  return {
    ...keys.flight(flight.id),
    [KIND]: 'flight',
    [LOOKUP_PK]: keys.routeLookup(flight.origin, flight.destination),
    [LOOKUP_SK]: keys.flightLookupSort(flight.departureUtc, flight.id),
    id: flight.id,
    carrier: flight.carrier,
    flightNumber: flight.flightNumber,
    origin: flight.origin,
    destination: flight.destination,
    departureUtc: flight.departureUtc,
    arrivalUtc: flight.arrivalUtc,
    aircraft: flight.aircraft,
    distanceKm: flight.distanceKm,
    currency: flight.currency,
    // Optional schedule attributes are stored only when present (items stay as they were otherwise).
    ...(flight.fareSource === undefined ? {} : { fareSource: flight.fareSource }),
    ...(flight.throughFlight === undefined ? {} : { throughFlight: flight.throughFlight }),
    ...(flight.codeshares === undefined ? {} : { codeshares: flight.codeshares }),
    ...(flight.cancelled ? { cancelled: true } : {}),
    cabins,
    holds: {},
  };
}

export function toFlight(item: Item): FlightRecord {
  const cabins = (item.cabins ?? {}) as CabinMap;
  return {
    id: item.id as string,
    carrier: item.carrier as string,
    flightNumber: item.flightNumber as number,
    origin: item.origin as string,
    destination: item.destination as string,
    departureUtc: item.departureUtc as number,
    arrivalUtc: item.arrivalUtc as number,
    aircraft: item.aircraft as string,
    distanceKm: item.distanceKm as number,
    currency: item.currency as string,
    cabins: (Object.entries(cabins) as [Cabin, Omit<CabinInventory, 'cabin'>][]).map(([cabin, c]) => ({
      cabin,
      fare: c.fare,
      taxes: c.taxes,
      seatsLeft: c.seatsLeft,
      capacity: c.capacity,
    })),
    ...(item.fareSource === undefined ? {} : { fareSource: item.fareSource as FlightRecord['fareSource'] }),
    ...(item.throughFlight === undefined
      ? {}
      : { throughFlight: item.throughFlight as NonNullable<FlightRecord['throughFlight']> }),
    ...(item.codeshares === undefined ? {} : { codeshares: item.codeshares as FlightRecord['codeshares'] }),
    ...(item.cancelled === true ? { cancelled: true as const } : {}),
  };
}

/** 1° latitude bands (~111 km): a radius search reads the few bands its circle overlaps. */
export const latitudeBand = (latitude: number): number => Math.floor(latitude);

export function hotelItem(hotel: HotelRecord): Item {
  return {
    ...keys.hotel(hotel.id),
    [KIND]: 'hotel',
    [LOOKUP_PK]: keys.cityLookup(hotel.cityCode),
    [LOOKUP_SK]: hotel.id,
    ...hotelFields(hotel),
  };
}

/** The copy of a hotel in its latitude band (hotels are static, so a copy costs nothing to keep right). */
export function hotelGeoItem(hotel: HotelRecord): Item {
  return {
    ...keys.hotelGeo(latitudeBand(hotel.latitude), hotel.id),
    [KIND]: 'hotel-geo',
    ...hotelFields(hotel),
  };
}

function hotelFields(hotel: HotelRecord): Item {
  return {
    id: hotel.id,
    name: hotel.name,
    cityCode: hotel.cityCode,
    stars: hotel.stars,
    latitude: hotel.latitude,
    longitude: hotel.longitude,
    address: hotel.address,
    amenities: hotel.amenities,
    roomTypes: hotel.roomTypes,
  };
}

export function toHotel(item: Item): HotelRecord {
  return {
    id: item.id as string,
    name: item.name as string,
    cityCode: item.cityCode as string,
    stars: item.stars as number,
    latitude: item.latitude as number,
    longitude: item.longitude as number,
    address: item.address as string,
    amenities: item.amenities as string[],
    roomTypes: item.roomTypes as HotelRecord['roomTypes'],
  };
}

/** A room night lives in its hotel's partition, so one query reads a stay of one hotel. */
export function roomNightItem(night: RoomNightRecord): Item {
  return {
    ...keys.roomNight(night.hotelId, night.date, night.roomType),
    [KIND]: 'room-night',
    hotelId: night.hotelId,
    roomType: night.roomType,
    date: night.date,
    rate: night.rate,
    currency: night.currency,
    roomsLeft: night.roomsLeft,
    holds: {},
  };
}

export function toRoomNight(item: Item): RoomNightRecord {
  return {
    hotelId: item.hotelId as string,
    roomType: item.roomType as string,
    date: item.date as string,
    rate: item.rate as number,
    currency: item.currency as string,
    roomsLeft: item.roomsLeft as number,
  };
}
