import type { Migration } from './index.js';

/** Room nights staged by hotel imports (ports/hotel-imports.ts) until they are swapped in. */
export const hotelImportsSchema: Migration = {
  id: '0008-hotel-imports',
  sql: `
    CREATE TABLE hotel_import_nights (
      import_id TEXT NOT NULL,
      hotel_id TEXT NOT NULL,
      room_type TEXT NOT NULL,
      date TEXT NOT NULL,
      rate INTEGER NOT NULL,
      currency TEXT NOT NULL,
      rooms_left INTEGER NOT NULL,
      line INTEGER NOT NULL,
      PRIMARY KEY (import_id, hotel_id, date, room_type)
    ) WITHOUT ROWID;
  `,
};
