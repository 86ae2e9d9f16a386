import type { PostgresMigration } from './index.js';

/** Room nights staged by hotel imports (ports/hotel-imports.ts) until they are swapped in. */
export const hotelImportsSchema: PostgresMigration = {
  id: '0005-hotel-imports',
  sql: `
    CREATE TABLE hotel_import_nights (
      import_id text COLLATE "C" NOT NULL,
      hotel_id text COLLATE "C" NOT NULL,
      room_type text COLLATE "C" NOT NULL,
      date text COLLATE "C" NOT NULL,
      rate bigint NOT NULL,
      currency text NOT NULL,
      rooms_left integer NOT NULL,
      line integer NOT NULL,
      PRIMARY KEY (import_id, hotel_id, date, room_type)
    );
  `,
};
