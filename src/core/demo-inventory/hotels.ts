import { addDays } from '../../kernel/zoned-time.js';
import type { Airport } from '../../ports/airports.js';
import type { HotelRecord, RoomNightRecord, RoomTypeRecord } from '../../ports/store.js';
import { CITY_CENTRES, CITY_NAMES } from '../geo/city-centres.js';
import { hotelNamer } from './hotel-names.js';
import type { SeededRandom } from './random.js';
import { cityCostLevel } from './reference/cost-levels.js';

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

/**
 * Nightly rate of a standard double by star rating in a city at the US price level, USD: about
 * what US hotels average by class (economy ~$70–100, midscale ~$140, upscale ~$230, luxury $450+).
 */
const STAR_RATE_USD = [0, 70, 95, 140, 230, 450];

/** How far from the centre hotels of a star rating lie, km (luxury hotels cluster downtown). */
const DISTANCE_BY_STARS: Record<number, readonly [number, number]> = {
  2: [0.8, 9],
  3: [0.4, 7],
  4: [0.2, 5],
  5: [0.1, 3],
};

/** Cities with this many million passengers a year get a hotel at the airport too. */
const AIRPORT_HOTEL_PASSENGERS = 10;

/** A city of the demo network: its code, name, the airport it is anchored at and its traffic. */
export interface DemoCity {
  cityCode: string;
  name: string;
  anchor: Airport;
  /** Annual passengers of the city's airports, millions. */
  passengers: number;
}

/** The city's centre: from the centres table, else a point 15 km from the airport (airports lie outside town). */
function centreOf(city: DemoCity): { latitude: number; longitude: number } {
  const known = CITY_CENTRES[city.cityCode];
  if (known) return { latitude: known[0], longitude: known[1] };
  return offset(city.anchor, 15, 0);
}

function offset(
  from: { latitude: number; longitude: number },
  km: number,
  bearing: number,
): { latitude: number; longitude: number } {
  const latitude = from.latitude + (km / 111.2) * Math.cos(bearing);
  const longitude =
    from.longitude + (km / (111.2 * Math.cos((from.latitude * Math.PI) / 180))) * Math.sin(bearing);
  return { latitude: Math.round(latitude * 1e6) / 1e6, longitude: Math.round(longitude * 1e6) / 1e6 };
}

/** The name hotels and addresses use for a city. */
export function cityDisplayName(city: DemoCity): string {
  return CITY_NAMES[city.cityCode] ?? city.name;
}

/**
 * Hotels of one city, more in busier cities: star ratings from 2 to 5, placed around the real city
 * centre (closer for more stars), named and addressed in the country's language, and, in cities
 * with a large airport, one hotel at the airport.
 */
export function cityHotels(city: DemoCity, random: SeededRandom): HotelRecord[] {
  const count = 2 + Math.min(6, Math.floor(city.passengers / 8)) + random.int(0, 2);
  const centre = centreOf(city);
  const name = cityDisplayName(city);
  const namer = hotelNamer(city.anchor.country, name, random);
  const hotels: HotelRecord[] = [];
  for (let i = 1; i <= count; i++) {
    const stars = random.int(2, 5);
    const [near, far] = DISTANCE_BY_STARS[stars] ?? [0.5, 8];
    // Square root: hotels thin out away from the centre, as they do.
    const km = near + (far - near) * Math.sqrt(random.next());
    const position = offset(centre, km, random.between(0, 2 * Math.PI));
    hotels.push(hotel(city, i, namer.name(stars), stars, position, namer.address(), false, random));
  }
  if (city.passengers >= AIRPORT_HOTEL_PASSENGERS) {
    const position = offset(city.anchor, random.between(0.5, 2), random.between(0, 2 * Math.PI));
    const address = `${city.anchor.name}, ${name}`;
    hotels.push(
      hotel(city, count + 1, namer.airportName(city.anchor.iata), 4, position, address, true, random),
    );
  }
  return hotels;
}

function hotel(
  city: DemoCity,
  index: number,
  name: string,
  stars: number,
  position: { latitude: number; longitude: number },
  address: string,
  atAirport: boolean,
  random: SeededRandom,
): HotelRecord {
  return {
    id: `${city.cityCode}-${String(index).padStart(3, '0')}`,
    name,
    cityCode: city.cityCode,
    stars,
    ...position,
    address,
    amenities: AMENITIES.filter((a) => a !== 'airport-shuttle' || atAirport).filter(
      () => random.next() < 0.2 + stars * 0.12,
    ),
    roomTypes: ROOM_TYPES.filter((r) => r.minStars <= stars).map(
      ({ code, name: roomName, maxOccupancy }) => ({
        code,
        name: roomName,
        maxOccupancy,
      }),
    ),
  };
}

/** The price level of a city's hotels relative to the United States. */
export function hotelPriceLevel(city: DemoCity): number {
  return cityCostLevel(city.cityCode, city.anchor.country);
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
  const base = (STAR_RATE_USD[hotel.stars] ?? 140) * cityPriceLevel * random.between(0.85, 1.15);
  for (let day = 0; day < days; day++) {
    const date = addDays(startDate, day);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 5 || weekday === 6 ? 1.12 : 1;
    for (const roomType of hotel.roomTypes) {
      const factor = ROOM_TYPES.find((r) => r.code === roomType.code)?.rateFactor ?? 1;
      const rate = Math.round(base * factor * weekend * random.between(0.93, 1.08)) * 100;
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
