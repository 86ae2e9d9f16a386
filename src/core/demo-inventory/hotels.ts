import type { Airport } from '../../ports/airports.js';
import type { HotelRecord, RoomNightRecord, RoomTypeRecord } from '../../ports/store.js';
import { addDays } from '../time/zoned-time.js';
import type { SeededRandom } from './random.js';

const BRANDS = [
  'Grand',
  'Harbour',
  'Meridian',
  'Parkside',
  'Central',
  'Skyline',
  'Riverside',
  'Atrium',
  'Lumen',
];
const SUFFIXES = ['Hotel', 'Suites', 'Inn', 'Residences', 'Palace', 'Lodge'];
const STREETS = [
  'Main Street',
  'Station Road',
  'Market Square',
  'Park Avenue',
  'Harbour Walk',
  'Old Town Lane',
];
const AMENITIES = [
  'wifi',
  'breakfast',
  'gym',
  'pool',
  'spa',
  'parking',
  'airport-shuttle',
  'restaurant',
  'bar',
];

const ROOM_TYPES: readonly (RoomTypeRecord & { minStars: number; rateFactor: number })[] = [
  { code: 'standard-double', name: 'Standard Double Room', maxOccupancy: 2, minStars: 1, rateFactor: 1 },
  { code: 'standard-twin', name: 'Standard Twin Room', maxOccupancy: 2, minStars: 2, rateFactor: 1.05 },
  { code: 'family', name: 'Family Room', maxOccupancy: 4, minStars: 3, rateFactor: 1.6 },
  { code: 'deluxe-king', name: 'Deluxe King Room', maxOccupancy: 2, minStars: 4, rateFactor: 1.45 },
  { code: 'junior-suite', name: 'Junior Suite', maxOccupancy: 3, minStars: 4, rateFactor: 2.3 },
];

/** Nightly rate of a standard room by star rating, USD. */
const STAR_RATE = [0, 45, 70, 115, 195, 390];

/** A city of the demo network: its code, name and the airport hotels are placed around. */
export interface DemoCity {
  cityCode: string;
  name: string;
  anchor: Airport;
}

/** Hotels of one city, placed 2–12 km from its main airport (the registry has no city centres). */
export function cityHotels(city: DemoCity, random: SeededRandom): HotelRecord[] {
  const count = 2 + Math.min(5, Math.floor(city.anchor.size / 60_000)) + random.int(0, 2);
  const hotels: HotelRecord[] = [];
  for (let i = 1; i <= count; i++) {
    const stars = random.int(2, 5);
    const bearing = random.between(0, 2 * Math.PI);
    const km = random.between(2, 12);
    const latitude = city.anchor.latitude + (km / 111.2) * Math.cos(bearing);
    const longitude =
      city.anchor.longitude +
      (km / (111.2 * Math.cos((city.anchor.latitude * Math.PI) / 180))) * Math.sin(bearing);
    hotels.push({
      id: `${city.cityCode}-${String(i).padStart(3, '0')}`,
      name: `${random.pick(BRANDS)} ${city.name} ${random.pick(SUFFIXES)}`,
      cityCode: city.cityCode,
      stars,
      latitude: Math.round(latitude * 1e6) / 1e6,
      longitude: Math.round(longitude * 1e6) / 1e6,
      address: `${random.int(1, 240)} ${random.pick(STREETS)}, ${city.name}`,
      amenities: AMENITIES.filter(() => random.next() < 0.2 + stars * 0.12),
      roomTypes: ROOM_TYPES.filter((r) => r.minStars <= stars).map(({ code, name, maxOccupancy }) => ({
        code,
        name,
        maxOccupancy,
      })),
    });
  }
  return hotels;
}

/** Rates and rooms left of every room type of a hotel for `days` nights from `startDate`. */
export function hotelRoomNights(
  hotel: HotelRecord,
  cityPriceLevel: number,
  startDate: string,
  days: number,
  random: SeededRandom,
): RoomNightRecord[] {
  const nights: RoomNightRecord[] = [];
  const base = (STAR_RATE[hotel.stars] ?? 100) * cityPriceLevel;
  for (let day = 0; day < days; day++) {
    const date = addDays(startDate, day);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 5 || weekday === 6 ? 1.18 : 1;
    for (const roomType of hotel.roomTypes) {
      const factor = ROOM_TYPES.find((r) => r.code === roomType.code)?.rateFactor ?? 1;
      const rate = Math.round(base * factor * weekend * random.between(0.9, 1.12)) * 100;
      nights.push({
        hotelId: hotel.id,
        roomType: roomType.code,
        date,
        rate,
        currency: 'USD',
        roomsLeft: random.next() < 0.05 ? 0 : random.int(1, 20),
      });
    }
  }
  return nights;
}
