import { describe, expect, it } from 'vitest';
import { touchedPeriodDates, touchedPeriodsOf } from '../../../src/core/events/inventory-events.js';
import type { LegPeriod, StagedLeg } from '../../../src/ports/schedules.js';
import type { FlightRecord } from '../../../src/ports/store.js';
import { event, flight, seatBooking } from './fixtures.js';
import { pendingEvents, type StoreBackendTarget, useFreshBackend } from './target.js';

const HOUR = 3_600_000;
const at = (date: string, hour: number): number => Date.parse(`${date}T00:00:00Z`) + hour * HOUR;

/** A dated leg of carrier XX on `date` as a schedule import stages it. */
function dated(date: string, number: number, hour = 9, overrides: Partial<FlightRecord> = {}): FlightRecord {
  return flight(`${date}-XX${number}`, {
    carrier: 'XX',
    flightNumber: number,
    origin: 'LHR',
    destination: 'CDG',
    departureUtc: at(date, hour),
    arrivalUtc: at(date, hour + 1),
    fareSource: 'estimated',
    ...overrides,
  });
}

const staged = (f: FlightRecord, line = 1): StagedLeg => ({
  flight: f,
  line,
  signature: JSON.stringify([f.departureUtc, f.arrivalUtc, f.aircraft, f.cabins]),
});

const scope = { carrier: 'XX', firstDate: '2030-01-01', lastDate: '2030-01-31' };

const DAY = 86_400_000;
const dayOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY;

/** A daily XX7 LHR → CDG over [first, last] leaving at `hour` UTC, as an importer stages it. */
function period(first: string, last: string, hour = 9, overrides: Partial<LegPeriod> = {}): LegPeriod {
  return {
    flightKey: 'XX7',
    line: 1,
    flight: {
      carrier: 'XX',
      flightNumber: 7,
      origin: 'LHR',
      destination: 'CDG',
      aircraft: '320',
      distanceKm: 344,
      currency: 'USD',
      cabins: [{ cabin: 'economy', fare: 9_000, taxes: 1_000, seatsLeft: 150, capacity: 150 }],
      fareSource: 'estimated',
    },
    period: {
      firstDay: dayOf(first),
      lastDay: dayOf(last),
      days: 0b111_1111,
      weeks: 1,
      anchorDay: dayOf(first),
    },
    departureMs: hour * 3_600_000,
    arrivalMs: (hour + 1) * 3_600_000,
    signature: 'xx7',
    ...overrides,
  };
}

/** ScheduleStore (ports/schedules.ts): staging, comparison and the atomic switch of a carrier's flights. */
export function describeScheduleStoreContract(target: StoreBackendTarget): void {
  describe(`ScheduleStore contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const schedules = () => backend().schedules;
    const ids = async (): Promise<string[]> =>
      (await schedules().listFlights(undefined, 1_000)).map((f) => f.id).sort();

    it('stage refuses an id the import staged already, naming both lines', async () => {
      expect(await schedules().stage('i1', [staged(dated('2030-01-02', 1), 3)])).toEqual([]);
      expect(
        await schedules().stage('i1', [staged(dated('2030-01-02', 1), 7), staged(dated('2030-01-02', 2), 8)]),
      ).toEqual([{ id: '2030-01-02-XX1', line: 7, previousLine: 3 }]);
      // Another import stages its own copy.
      expect(await schedules().stage('i2', [staged(dated('2030-01-02', 1), 1)])).toEqual([]);
    });

    it('switchTo replaces the carrier flights of the scope only; the rest stays', async () => {
      const other = flight('2030-01-02-YY1', { carrier: 'YY' });
      const outside = dated('2030-02-02', 1);
      await backend().inventory.putFlights([dated('2030-01-02', 1), dated('2030-01-03', 1), other, outside]);
      await schedules().stage('i', [staged(dated('2030-01-02', 1, 10)), staged(dated('2030-01-04', 1))]);
      const comparison = await schedules().compare('i', [scope]);
      expect(comparison).toMatchObject({ created: 1, changed: 1, unchanged: 0, removed: 1 });
      expect(comparison.moves.map((m) => [m.before.id, m.after?.departureUtc ?? null]).sort()).toEqual([
        ['2030-01-02-XX1', at('2030-01-02', 10)],
        ['2030-01-03-XX1', null],
      ]);
      // Compare writes nothing.
      expect(await ids()).toEqual(['2030-01-02-XX1', '2030-01-02-YY1', '2030-01-03-XX1', '2030-02-02-XX1']);
      const result = await schedules().switchTo(
        'i',
        [scope],
        [],
        [event('schedule.changed', {}, 'b1')],
        (touched, periods) => [event('schedule.changed', { flights: touched, periods, hotelNights: [] })],
      );
      expect(await ids()).toEqual(['2030-01-02-XX1', '2030-01-02-YY1', '2030-01-04-XX1', '2030-02-02-XX1']);
      expect((await backend().inventory.getFlights(['2030-01-02-XX1']))[0]?.departureUtc).toBe(
        at('2030-01-02', 10),
      );
      const appended = await pendingEvents(backend().outbox);
      expect(appended.map((e) => e.id).sort()).toEqual(result.events.map((e) => e.id).sort());
      // Dated flights by their date, periods (a store keeping periods) by each date they fly.
      const dates = result.events.flatMap((e) => [
        ...((e.data as { flights?: { departureDate: string }[] }).flights ?? []).map((f) => f.departureDate),
        ...touchedPeriodsOf(e).flatMap(touchedPeriodDates),
      ]);
      expect(new Set(dates)).toEqual(new Set(['2030-01-02', '2030-01-03', '2030-01-04']));
      // The staging area is gone: switching again changes nothing.
      expect(await schedules().compare('i', [scope])).toMatchObject({ created: 0, removed: 2 });
    });

    it('a flight to cancel is kept, marked cancelled, with the seats it sold; routes follow the flights', async () => {
      const booked = dated('2030-01-02', 1);
      await backend().inventory.putFlights([booked]);
      const b = seatBooking([booked.id], 2);
      const claim = await backend().bookings.claimKey('k', 'k', 'h', {
        now: 1,
        leaseMs: 60_000,
        retentionMs: 60_000,
      });
      if (claim.state !== 'acquired') throw new Error('not acquired');
      await backend().bookings.create(b, { scope: 'k', key: 'k', token: claim.token }, []);
      await schedules().stage('i', [staged(dated('2030-01-03', 5, 9, { destination: 'AMS' }))]);
      await schedules().switchTo('i', [scope], [booked.id], [], () => []);
      const [kept] = await backend().inventory.getFlights([booked.id]);
      expect(kept).toMatchObject({ cancelled: true });
      expect(kept?.cabins[0]?.seatsLeft).toBe(3);
      const routes = await backend().inventory.listRoutes();
      expect(routes.filter((r) => r.carriers.includes('XX')).map((r) => r.destination)).toEqual(['AMS']);
    });

    it('a flight written again keeps the seats its bookings hold', async () => {
      await backend().inventory.putFlights([dated('2030-01-02', 1)]);
      const b = seatBooking(['2030-01-02-XX1'], 2);
      const claim = await backend().bookings.claimKey('k', 'k', 'h', {
        now: 1,
        leaseMs: 60_000,
        retentionMs: 60_000,
      });
      if (claim.state !== 'acquired') throw new Error('not acquired');
      await backend().bookings.create(b, { scope: 'k', key: 'k', token: claim.token }, []);
      await schedules().stage('i', [staged(dated('2030-01-02', 1, 11))]);
      await schedules().switchTo('i', [scope], [], [], () => []);
      const [rewritten] = await backend().inventory.getFlights(['2030-01-02-XX1']);
      // The fixture's cabin had sold 195 of 200 before the booking took 2.
      expect(rewritten?.cabins[0]).toMatchObject({ capacity: 200, seatsLeft: 3 });
    });

    /** Stages and switches periods as an import would, with the events a switch appends. */
    async function importPeriods(periods: LegPeriod[], cancel: string[] = []) {
      expect(await schedules().stagePeriods('p', periods)).toEqual([]);
      const comparison = await schedules().compare('p', [scope]);
      const result = await schedules().switchTo('p', [scope], cancel, [], (touched, touchedPeriods) => [
        event('schedule.changed', { flights: touched, periods: touchedPeriods ?? [], hotelNights: [] }),
      ]);
      return { comparison, result };
    }

    async function book(flightIds: string[], seats: number, key: string) {
      const claim = await backend().bookings.claimKey(key, key, 'h', {
        now: 1,
        leaseMs: 60_000,
        retentionMs: 60_000,
      });
      if (claim.state !== 'acquired') throw new Error('not acquired');
      const booking = seatBooking(flightIds, seats);
      await backend().bookings.create(booking, { scope: key, key, token: claim.token }, []);
      return booking;
    }

    it('an imported period answers as its dated legs; a booking of one takes its seats, once', async () => {
      const { comparison } = await importPeriods([period('2030-01-02', '2030-01-08')]);
      expect(comparison).toMatchObject({ created: 7, changed: 0, unchanged: 0, removed: 0 });
      expect((await backend().inventory.stats()).flights).toBe(7);
      const id = '2030-01-04-XX7';
      expect((await backend().inventory.getFlights([id]))[0]).toMatchObject({
        departureUtc: Date.parse('2030-01-04T09:00:00Z'),
        arrivalUtc: Date.parse('2030-01-04T10:00:00Z'),
        cabins: [{ cabin: 'economy', seatsLeft: 150, capacity: 150 }],
        fareSource: 'estimated',
      });
      await book([id], 2, 'b1');
      await book([id], 3, 'b2');
      const route = await backend().inventory.findFlights({
        origin: 'LHR',
        destination: 'CDG',
        departFrom: Date.parse('2030-01-03T00:00:00Z'),
        departTo: Date.parse('2030-01-06T00:00:00Z'),
      });
      expect(route.map((f) => [f.id, f.cabins[0]?.seatsLeft])).toEqual([
        ['2030-01-03-XX7', 150],
        ['2030-01-04-XX7', 145],
        ['2030-01-05-XX7', 150],
      ]);
      // Still seven flights, however many were booked.
      expect((await backend().inventory.stats()).flights).toBe(7);
      expect((await schedules().listFlights(undefined, 100)).map((f) => f.id)).toHaveLength(7);
      expect((await backend().inventory.listRoutes()).filter((r) => r.carriers.includes('XX'))).toEqual([
        { origin: 'LHR', destination: 'CDG', carriers: ['XX'] },
      ]);
    });

    it('a re-import of the same periods finds them unchanged and writes nothing', async () => {
      await importPeriods([period('2030-01-02', '2030-01-08')]);
      await book(['2030-01-03-XX7'], 1, 'b');
      const before = await schedules().listFlights(undefined, 100);
      const events = (await pendingEvents(backend().outbox)).length;
      const { comparison, result } = await importPeriods([period('2030-01-02', '2030-01-08')]);
      expect(comparison).toMatchObject({ created: 0, changed: 0, unchanged: 7, removed: 0, moves: [] });
      expect(result.events).toEqual([]);
      expect((await pendingEvents(backend().outbox)).length).toBe(events);
      expect(await schedules().listFlights(undefined, 100)).toEqual(before);
    });

    it('a re-import that drops a booked leg keeps it cancelled, and retimes one it moves, keeping its sales', async () => {
      await importPeriods([period('2030-01-02', '2030-01-08')]);
      const dropped = '2030-01-02-XX7';
      const moved = '2030-01-05-XX7';
      await book([dropped, moved], 2, 'b');
      // From 3 January only, an hour later.
      const { comparison, result } = await importPeriods([period('2030-01-03', '2030-01-08', 10)], [dropped]);
      expect(comparison).toMatchObject({ created: 0, changed: 6, removed: 1 });
      const booked = comparison.moves.filter((m) => m.before.id === dropped || m.before.id === moved);
      expect(booked.map((m) => [m.before.id, m.after?.departureUtc ?? null]).sort()).toEqual([
        [dropped, null],
        [moved, Date.parse('2030-01-05T10:00:00Z')],
      ]);
      const [cancelled, retimed] = await backend().inventory.getFlights([dropped, moved]);
      expect(cancelled).toMatchObject({ id: dropped, cancelled: true });
      expect(retimed).toMatchObject({ id: moved, departureUtc: Date.parse('2030-01-05T10:00:00Z') });
      expect(retimed?.cancelled).toBeUndefined();
      expect(retimed?.cabins[0]).toMatchObject({ capacity: 150, seatsLeft: 148 });
      expect((await backend().inventory.getFlights(['2030-01-06-XX7']))[0]?.departureUtc).toBe(
        Date.parse('2030-01-06T10:00:00Z'),
      );
      // Every date that moved is named for the caches.
      const dates = result.events.flatMap((e) => [
        ...((e.data as { flights?: { departureDate: string }[] }).flights ?? []).map((f) => f.departureDate),
        ...touchedPeriodsOf(e).flatMap(touchedPeriodDates),
      ]);
      expect([...new Set(dates)].sort()).toEqual([
        '2030-01-02',
        '2030-01-03',
        '2030-01-04',
        '2030-01-05',
        '2030-01-06',
        '2030-01-07',
        '2030-01-08',
      ]);
    });

    it('stagePeriods names an overlapping period of one flight with a day both fly', async () => {
      expect(
        await schedules().stagePeriods('o', [period('2030-01-02', '2030-01-08', 9, { line: 3 })]),
      ).toEqual([]);
      const weekend = { ...period('2030-01-05', '2030-01-12', 12, { line: 9 }) };
      weekend.period.days = 0b110_0000;
      // A backend keeping periods names the period once, one keeping dated legs each day both fly.
      const overlaps = await schedules().stagePeriods('o', [weekend]);
      expect(overlaps).toContainEqual({ id: '2030-01-05-XX7', line: 9, previousLine: 3 });
      expect(overlaps.every((o) => o.line === 9 && o.previousLine === 3)).toBe(true);
    });

    it('discard drops what an import staged; listFlights pages in id order', async () => {
      await schedules().stage('i', [staged(dated('2030-01-02', 1))]);
      await schedules().discard('i');
      expect(await schedules().compare('i', [scope])).toMatchObject({ created: 0 });
      await backend().inventory.putFlights([
        dated('2030-01-02', 1),
        dated('2030-01-02', 2),
        dated('2030-01-03', 1),
      ]);
      const first = await schedules().listFlights(undefined, 2);
      expect(first.map((f) => f.id)).toEqual(['2030-01-02-XX1', '2030-01-02-XX2']);
      expect((await schedules().listFlights('2030-01-02-XX2', 2)).map((f) => f.id)).toEqual([
        '2030-01-03-XX1',
      ]);
    });
  });
}
