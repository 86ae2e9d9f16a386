import type pg from 'pg';
import type { HotelRecord } from '../../../ports/store.js';

/** Inserts hotels, replacing any with the same id whole, in one statement inside the caller's transaction. */
export async function upsertHotels(client: pg.PoolClient, hotels: readonly HotelRecord[]): Promise<void> {
  await client.query(
    `INSERT INTO hotels (id, name, city_code, stars, latitude, longitude, address, amenities, room_types)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[],
       $7::text[], $8::json[], $9::json[])
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, city_code = excluded.city_code, stars = excluded.stars,
       latitude = excluded.latitude, longitude = excluded.longitude, address = excluded.address,
       amenities = excluded.amenities, room_types = excluded.room_types`,
    [
      hotels.map((h) => h.id),
      hotels.map((h) => h.name),
      hotels.map((h) => h.cityCode),
      hotels.map((h) => h.stars),
      hotels.map((h) => h.latitude),
      hotels.map((h) => h.longitude),
      hotels.map((h) => h.address),
      hotels.map((h) => JSON.stringify(h.amenities)),
      hotels.map((h) => JSON.stringify(h.roomTypes)),
    ],
  );
}
