import { addDays, daysBetween } from '../../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../../ports/airports.js';
import type { HotelRecord, RoomNightRecord, RoomTypeRecord } from '../../../ports/store.js';
import { FieldReader } from '../tabular/field-reader.js';
import type { ProblemLog } from '../tabular/problem-log.js';
import type { TabularFormat, TabularRecord } from '../tabular/tabular-records.js';

/** Columns of a hotels file (docs/import.md, "Hotels"). */
export const HOTELS_FORMAT: TabularFormat = {
  required: ['hotel_id', 'room_type'],
  optional: [
    'name',
    'city_code',
    'stars',
    'latitude',
    'longitude',
    'address',
    'amenities',
    'room_name',
    'max_occupancy',
    'first_night',
    'last_night',
    'rate',
    'currency',
    'rooms_available',
  ],
};

const HOTEL_COLUMNS = ['name', 'city_code', 'stars', 'latitude', 'longitude', 'address'] as const;
const RATE_COLUMNS = ['first_night', 'last_night', 'rate', 'currency', 'rooms_available'] as const;
/** Longest range of nights one row may give: a year. */
const MAX_NIGHTS_PER_ROW = 366;

/** A hotel as the file builds it, with the line that described it. */
export interface FileHotel {
  line: number;
  hotel: HotelRecord;
  /** Line of each room type's definition. */
  roomTypeLines: Map<string, number>;
  firstNight?: string;
  lastNight?: string;
}

/**
 * Reads the rows of a hotels file into hotels (held, one per hotel named: a file names far fewer
 * hotels than nights) and room nights (handed to `stage` as they come, for the store to hold).
 *
 * A hotel's first row carries its attributes (name, city_code, stars, latitude, longitude, address,
 * amenities); later rows may leave them blank or repeat them unchanged. A row with room_name and
 * max_occupancy defines a room type; a row with first_night … rooms_available gives that room type's
 * rate and rooms for each night of the range; a row may do both. Rates name room types defined on an
 * earlier row of the same hotel.
 */
export class HotelRows {
  readonly hotels = new Map<string, FileHotel>();
  readonly #airports: AirportDirectory;
  readonly #problems: ProblemLog;

  constructor(airports: AirportDirectory, problems: ProblemLog) {
    this.#airports = airports;
    this.#problems = problems;
  }

  /** The nights a valid row gives (none for a room type or hotel row); undefined when the row is bad. */
  read(record: TabularRecord): RoomNightRecord[] | undefined {
    const f = new FieldReader(record, this.#problems);
    const hotelId = f.text('hotel_id');
    if (hotelId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(hotelId))
      f.fail('hotel_id', `"${hotelId}" is not a hotel id (letters, digits, . _ -, at most 64)`);
    const roomType = f.text('room_type');
    if (roomType !== undefined && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(roomType))
      f.fail(
        'room_type',
        `"${roomType}" is not a room type code (lower-case letters, digits, _ -, at most 40)`,
      );
    if (hotelId === undefined || roomType === undefined || !f.valid) return undefined;
    const known = this.hotels.get(hotelId);
    const attributes = this.#hotelAttributes(f, record, known);
    const definition = this.#roomTypeDefinition(f, record, roomType);
    const nights = this.#nights(f, record, hotelId, roomType);
    if (!f.valid) return undefined;
    let entry = known;
    if (entry === undefined) {
      if (attributes === undefined) return undefined;
      entry = {
        line: record.line,
        hotel: { id: hotelId, ...attributes, roomTypes: [] },
        roomTypeLines: new Map(),
      };
      this.hotels.set(hotelId, entry);
    }
    if (definition !== undefined) {
      const earlier = entry.hotel.roomTypes.find((r) => r.code === roomType);
      if (earlier === undefined) {
        entry.hotel.roomTypes.push(definition);
        entry.roomTypeLines.set(roomType, record.line);
      } else if (earlier.name !== definition.name || earlier.maxOccupancy !== definition.maxOccupancy) {
        f.fail(
          'room_name',
          `room type ${roomType} is defined differently at line ${entry.roomTypeLines.get(roomType)}`,
        );
        return undefined;
      }
    } else if (!entry.roomTypeLines.has(roomType)) {
      f.fail(
        'room_type',
        `unknown room type ${roomType} of hotel ${hotelId}: define it (room_name, max_occupancy) on an earlier row`,
      );
      return undefined;
    }
    for (const night of nights) {
      if (entry.firstNight === undefined || night.date < entry.firstNight) entry.firstNight = night.date;
      if (entry.lastNight === undefined || night.date > entry.lastNight) entry.lastNight = night.date;
    }
    return nights;
  }

  /** The hotel's attributes on its first row; on later rows, checked against the first. */
  #hotelAttributes(
    f: FieldReader,
    record: TabularRecord,
    known: FileHotel | undefined,
  ): Omit<HotelRecord, 'id' | 'roomTypes'> | undefined {
    if (known !== undefined) {
      const given = HOTEL_COLUMNS.filter((column) => record.get(column) !== undefined);
      if (given.length === 0 && record.get('amenities') === undefined) return undefined;
    }
    const name = f.text('name');
    const cityCode = f.code('city_code', /^[A-Z]{3}$/, 'an IATA city code');
    // Hotel searches look hotels up by city code: an airport code would never find this one.
    if (cityCode !== undefined && this.#airports.byCityCode(cityCode).length === 0) {
      f.fail('city_code', `unknown city code ${cityCode}`);
    }
    const stars = f.requiredInteger('stars', 1, 5);
    const latitude = f.decimal('latitude', -90, 90);
    const longitude = f.decimal('longitude', -180, 180);
    const address = f.text('address');
    const amenities = (f.text('amenities', false) ?? '')
      .split(';')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (
      name === undefined ||
      cityCode === undefined ||
      stars === undefined ||
      latitude === undefined ||
      longitude === undefined ||
      address === undefined ||
      !f.valid
    ) {
      return undefined;
    }
    const attributes = { name, cityCode, stars, latitude, longitude, address, amenities };
    if (known !== undefined) {
      const { id: _id, roomTypes: _types, ...first } = known.hotel;
      if (JSON.stringify(first) !== JSON.stringify(attributes))
        f.fail(undefined, `hotel ${known.hotel.id} is described differently at line ${known.line}`);
    }
    return attributes;
  }

  #roomTypeDefinition(f: FieldReader, record: TabularRecord, code: string): RoomTypeRecord | undefined {
    if (record.get('room_name') === undefined && record.get('max_occupancy') === undefined) return undefined;
    const name = f.text('room_name');
    const maxOccupancy = f.requiredInteger('max_occupancy', 1, 12);
    if (name === undefined || maxOccupancy === undefined) return undefined;
    return { code, name, maxOccupancy };
  }

  #nights(f: FieldReader, record: TabularRecord, hotelId: string, roomType: string): RoomNightRecord[] {
    if (RATE_COLUMNS.every((column) => record.get(column) === undefined)) return [];
    const firstNight = f.date('first_night');
    const lastNight = f.date('last_night');
    const currency = f.currency('currency');
    const rate = f.amount('rate', currency);
    const roomsLeft = f.requiredInteger('rooms_available', 0, 1000);
    if (
      firstNight === undefined ||
      lastNight === undefined ||
      currency === undefined ||
      rate === undefined ||
      roomsLeft === undefined
    )
      return [];
    const count = daysBetween(firstNight, lastNight) + 1;
    if (count < 1) {
      f.fail('last_night', `${lastNight} is before first_night ${firstNight}`);
      return [];
    }
    if (count > MAX_NIGHTS_PER_ROW) {
      f.fail('last_night', `a row gives at most ${MAX_NIGHTS_PER_ROW} nights; split the range`);
      return [];
    }
    return Array.from({ length: count }, (_, i) => ({
      hotelId,
      roomType,
      date: addDays(firstNight, i),
      rate,
      currency,
      roomsLeft,
    }));
  }
}
