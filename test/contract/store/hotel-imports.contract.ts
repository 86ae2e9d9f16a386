import { describe, expect, it } from 'vitest';
import type { HotelImportScope } from '../../../src/ports/hotel-imports.js';
import type { RoomNightRecord } from '../../../src/ports/store.js';
import { event, hotel, night } from './fixtures.js';
import { pendingEvents, type StoreBackendTarget, useFreshBackend } from './target.js';

const staged = (...nights: RoomNightRecord[]) => nights.map((n, i) => ({ line: i + 2, night: n }));
const suite = (rate: number) => night('h1', '2030-01-02', 3, rate);

/** HotelImports (ports/hotel-imports.ts): nights staged invisibly, hotels and nights replaced with events. */
export function describeHotelImportsContract(target: StoreBackendTarget): void {
  describe(`HotelImports contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const imports = () => backend().hotelImports;
    const nightsOf = async (hotelId: string) =>
      (await backend().inventory.findRoomNights([hotelId], '2030-01-01', '2030-02-01'))
        .map((n) => `${n.date} ${n.roomType} ${n.rate} ${n.roomsLeft}`)
        .sort();

    it('staged nights are invisible until replace; replace writes the hotel, the nights and the events', async () => {
      expect(await imports().stageNights('i1', staged(night('h1', '2030-01-01'), suite(20_000)))).toEqual([]);
      expect(await backend().inventory.getHotels(['h1'])).toEqual([]);
      const scope: HotelImportScope = {
        hotel: hotel('h1'),
        firstNight: '2030-01-01',
        lastNight: '2030-01-02',
      };
      expect(await imports().compareNights('i1', [scope])).toMatchObject({ created: 2, removed: 0 });
      await imports().replace('i1', [scope], [event('availability.changed', { reason: 'import' })]);
      expect(await backend().inventory.getHotels(['h1'])).toEqual([hotel('h1')]);
      expect(await nightsOf('h1')).toEqual([
        '2030-01-01 standard-double 15000 3',
        '2030-01-02 standard-double 20000 3',
      ]);
      expect((await pendingEvents(backend().outbox)).map((e) => e.type)).toEqual(['availability.changed']);
      expect(await imports().compareNights('i1', [scope])).toMatchObject({
        created: 0,
        unchanged: 0,
        removed: 2,
      });
    });

    it('staging a night twice answers the later line', async () => {
      expect(await imports().stageNights('i1', staged(suite(1), suite(2)))).toEqual([3]);
    });

    it('replaces nights in the range and of dropped room types, keeps the rest, and counts each kind', async () => {
      await backend().inventory.putHotels([
        hotel('h1', {
          roomTypes: [
            { code: 'standard-double', name: 'Standard', maxOccupancy: 2 },
            { code: 'suite', name: 'Suite', maxOccupancy: 4 },
          ],
        }),
      ]);
      await backend().inventory.putRoomNights([
        night('h1', '2030-01-01'),
        night('h1', '2030-01-02'),
        night('h1', '2030-01-03'),
        night('h1', '2030-01-10'),
        { ...night('h1', '2030-01-20'), roomType: 'suite' },
      ]);
      await imports().stageNights(
        'i2',
        staged(night('h1', '2030-01-01'), suite(20_000), night('h1', '2030-01-04')),
      );
      const scope: HotelImportScope = {
        hotel: hotel('h1'),
        firstNight: '2030-01-01',
        lastNight: '2030-01-04',
      };
      const comparison = await imports().compareNights('i2', [scope]);
      expect(comparison).toMatchObject({ created: 1, changed: 1, unchanged: 1, removed: 2 });
      expect(comparison.changedNights).toEqual([
        { hotelId: 'h1', date: '2030-01-02' },
        { hotelId: 'h1', date: '2030-01-03' },
        { hotelId: 'h1', date: '2030-01-04' },
        { hotelId: 'h1', date: '2030-01-20' },
      ]);
      await imports().replace('i2', [scope], []);
      expect(await nightsOf('h1')).toEqual([
        '2030-01-01 standard-double 15000 3',
        '2030-01-02 standard-double 20000 3',
        '2030-01-04 standard-double 15000 3',
        '2030-01-10 standard-double 15000 3',
      ]);
    });

    it('discard deletes the staging: replacing afterwards only writes the hotel', async () => {
      await imports().stageNights('i3', staged(night('h1', '2030-01-01')));
      await imports().discard('i3');
      await imports().replace('i3', [{ hotel: hotel('h1') }], []);
      expect(await nightsOf('h1')).toEqual([]);
      await imports().discard('never-staged');
    });
  });
}
