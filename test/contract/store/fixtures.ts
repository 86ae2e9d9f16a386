import { createEvent } from '../../../src/core/events/create-event.js';
import type { BookingRecord } from '../../../src/ports/bookings.js';
import type { CloudEvent, EventType } from '../../../src/ports/events.js';
import type {
  Cabin,
  CabinInventory,
  FlightRecord,
  HotelRecord,
  RoomNightRecord,
} from '../../../src/ports/store.js';

/** Inventory of the contract suites lies in 2030 so no suite depends on today's date. */
export const DAY = 86_400_000;
export const T0 = Date.UTC(2030, 0, 1);

export function cabin(name: Cabin, seatsLeft: number, fare = 10_000): CabinInventory {
  return { cabin: name, fare, taxes: 1_000, seatsLeft, capacity: Math.max(200, seatsLeft) };
}

export function flight(id: string, overrides: Partial<Omit<FlightRecord, 'id'>> = {}): FlightRecord {
  const departureUtc = overrides.departureUtc ?? T0 + 10 * 3_600_000;
  return {
    id,
    carrier: 'TP',
    flightNumber: 100,
    origin: 'LHR',
    destination: 'JFK',
    departureUtc,
    arrivalUtc: departureUtc + 8 * 3_600_000,
    aircraft: '789',
    distanceKm: 5_540,
    currency: 'USD',
    cabins: [cabin('economy', 5)],
    ...overrides,
  };
}

export function hotel(id: string, overrides: Partial<Omit<HotelRecord, 'id'>> = {}): HotelRecord {
  return {
    id,
    name: `Hotel ${id}`,
    cityCode: 'LON',
    stars: 4,
    latitude: 51.5074,
    longitude: -0.1278,
    address: '1 Strand, London',
    amenities: ['wifi', 'gym'],
    roomTypes: [{ code: 'standard-double', name: 'Standard double', maxOccupancy: 2 }],
    ...overrides,
  };
}

export function night(hotelId: string, date: string, roomsLeft = 3, rate = 15_000): RoomNightRecord {
  return { hotelId, roomType: 'standard-double', date, rate, currency: 'GBP', roomsLeft };
}

/** A contract-test event; `subject` names its aggregate when given. */
export function event(type: EventType, data: Record<string, unknown> = {}, subject?: string): CloudEvent {
  const created = createEvent(type, data, { source: '/contract' });
  return subject === undefined ? created : { ...created, subject };
}

let sequence = 0;

/** A confirmed booking holding `seats` seats on every flight of `flightIds`, with a fresh reference. */
export function seatBooking(flightIds: string[], seats: number, reference = nextReference()): BookingRecord {
  return {
    id: `booking-${reference}`,
    reference,
    status: 'confirmed',
    owner: { sub: 'user', apiKeyId: 'key' },
    offer: { type: 'flight-offer' },
    price: { total: '110.00', base: '100.00', taxes: '10.00', currency: 'USD' },
    passengers: [{ type: 'adult', givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1980-01-01' }],
    contact: { email: 'ada@example.com', phone: '+442071234567' },
    hold: { kind: 'seats', cabin: 'economy', flightIds, seats },
    createdAt: 1_000,
  };
}

/** A confirmed booking holding `rooms` rooms of hotel `hotelId` on every night of `nights`. */
export function roomBooking(hotelId: string, nights: string[], rooms: number): BookingRecord {
  return {
    ...seatBooking([], 1),
    offer: { type: 'hotel-offer' },
    hold: { kind: 'rooms', hotelId, roomType: 'standard-double', nights, rooms },
  };
}

function nextReference(): string {
  sequence += 1;
  return `R${String(sequence).padStart(5, '0')}`;
}

/** `flight` with its cabins sorted, for comparisons: the port leaves the order of cabins open. */
export function normalised(record: FlightRecord): FlightRecord {
  return { ...record, cabins: [...record.cabins].sort((a, b) => a.cabin.localeCompare(b.cabin)) };
}
