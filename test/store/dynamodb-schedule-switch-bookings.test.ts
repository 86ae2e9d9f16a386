import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppendSignal } from '../../src/adapters/store/append-signal.js';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import { DynamoScheduleStore } from '../../src/adapters/store/dynamodb/schedule-store.js';
import { type BookingRecord, type HeldKey, SoldOutError } from '../../src/ports/bookings.js';
import { systemClock } from '../../src/ports/clock.js';
import type { ScheduleSwitchResult } from '../../src/ports/schedules.js';
import type { FlightRecord } from '../../src/ports/store.js';
import { event, flight, seatBooking, T0 } from '../contract/store/fixtures.js';
import { dynamoConfig, type LocalDynamo, startDynalite } from '../helpers/dynalite.js';
import { type DynamoFaultProxy, startDynamoFaultProxy } from '../helpers/dynamo-fault-proxy.js';

const HOUR = 3_600_000;
const scope = { carrier: 'XX', firstDate: '2030-01-01', lastDate: '2030-01-31' };
const departure = T0 + 10 * HOUR;
const xx = (id: string, overrides: Partial<Omit<FlightRecord, 'id'>> = {}): FlightRecord =>
  flight(id, { carrier: 'XX', departureUtc: departure, arrivalUtc: departure + 8 * HOUR, ...overrides });

/**
 * The DynamoDB schedule switch and bookings made while it runs (docs/adr/0023-schedule-import.md,
 * "DynamoDB"). The switch has no transaction; it settles the bookings on the items it supersedes after
 * its pointer write. These tests put a booking at the two places a look-up before the switch misses
 * it — between the switch's writes of the new generation and its pointer write (the store's
 * `beforePointerWrite` seam), and with its seats taken before the pointer write but confirmed after
 * the switch (the fault proxy holds that one request) — on real dynalite, through the real stores.
 */
describe('DynamoDB schedule switch and bookings made while it runs', () => {
  let dynamo: LocalDynamo;
  let proxy: DynamoFaultProxy;
  let store: DynamoDbStore;
  let run: () => Promise<void> = async () => {};
  let schedules: DynamoScheduleStore;
  let told: BookingRecord[];
  let keyNumber = 0;

  beforeAll(async () => {
    dynamo = await startDynalite();
    proxy = await startDynamoFaultProxy(dynamo.endpoint);
  });
  afterAll(async () => {
    await proxy.close();
    await dynamo.close();
  });
  beforeEach(async () => {
    proxy.setRule(() => undefined);
    store = await openDynamoDbStore(dynamoConfig(proxy.endpoint), systemClock);
    await store.migrate();
    run = async () => {};
    schedules = new DynamoScheduleStore(store.table, new AppendSignal(), {
      beforePointerWrite: () => run(),
    });
    told = [];
    return () => store.close();
  });

  const hold = async (): Promise<HeldKey> => {
    keyNumber += 1;
    const claim = await store.bookings.claimKey('scope', `key-${keyNumber}`, 'hash', {
      now: Date.now(),
      leaseMs: 60_000,
      retentionMs: 86_400_000,
    });
    if (claim.state !== 'acquired') throw new Error('key not acquired');
    return { scope: 'scope', key: `key-${keyNumber}`, token: claim.token };
  };
  const book = async (booking: BookingRecord): Promise<void> => {
    await store.bookings.create(booking, await hold(), []);
  };
  const live = async (id: string): Promise<FlightRecord | undefined> =>
    (await store.inventory.getFlights([id]))[0];
  const economy = (f: FlightRecord | undefined) => f?.cabins.find((c) => c.cabin === 'economy');

  /** Stages `staged`, compares (the core looks bookings up here: there are none yet), switches. */
  async function importSchedule(staged: FlightRecord[]): Promise<ScheduleSwitchResult> {
    const importId = `import-${keyNumber}-${Date.now()}`;
    await schedules.stage(
      importId,
      staged.map((f, i) => ({ flight: f, line: i + 1, signature: `${f.departureUtc}` })),
    );
    const comparison = await schedules.compare(importId, [scope]);
    expect(comparison.moves.length).toBeGreaterThan(0);
    return schedules.switchTo(importId, [scope], [], [], () => [], {
      held: (found) => {
        told = [...found];
        return found.map((b) => event('schedule.changed', { late: true }, b.id));
      },
    });
  }

  it('a booking stored between the writes of the new schedule and the pointer write keeps its dropped flight, cancelled, and is told', async () => {
    const dropped = xx('2030-01-02-XX1');
    await store.inventory.putFlights([dropped]);
    const late = seatBooking([dropped.id], 2);
    run = () => book(late);

    const result = await importSchedule([xx('2030-01-02-XX2')]);

    expect(told.map((b) => b.id)).toEqual([late.id]);
    expect(result.cancelled).toEqual([dropped.id]);
    expect(result.events.filter((e) => e.subject === late.id)).toHaveLength(1);
    const kept = await live(dropped.id);
    expect(kept).toMatchObject({ cancelled: true });
    // The seats it took after the cancelled copy was written moved to it.
    expect(economy(kept)?.seatsLeft).toBe(3);
    expect(await store.bookings.get(late.id)).toMatchObject({ status: 'confirmed' });
  });

  it('a booking stored there on a flight the switch retimes is told, and its seats stay sold on the retimed flight', async () => {
    const moved = xx('2030-01-02-XX1');
    await store.inventory.putFlights([moved]);
    const late = seatBooking([moved.id], 2);
    run = () => book(late);

    const result = await importSchedule([
      xx(moved.id, { departureUtc: departure + HOUR, arrivalUtc: departure + 9 * HOUR }),
    ]);

    expect(told.map((b) => b.id)).toEqual([late.id]);
    expect(result.cancelled).toEqual([]);
    const retimed = await live(moved.id);
    expect(retimed?.departureUtc).toBe(departure + HOUR);
    expect(economy(retimed)?.seatsLeft).toBe(3);
    // Giving the seats back finds them on the retimed flight: the hold moved with them.
    await store.bookings.cancel(late.id, Date.now(), () => []);
    expect(economy(await live(moved.id))?.seatsLeft).toBe(5);
  });

  /**
   * Holds the confirmation of `booking`'s seats (its commit point on the flight item) until `release`,
   * and says when the booking reached it: its take happened under the old pointer.
   */
  function holdConfirmation(booking: BookingRecord): { reached: Promise<void>; release(): void } {
    let reach = (): void => {};
    let release = (): void => {};
    const reached = new Promise<void>((resolve) => {
      reach = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    proxy.setRule(async (request) => {
      const names = request.body.ExpressionAttributeNames as Record<string, string> | undefined;
      if (
        first &&
        request.operation === 'UpdateItem' &&
        request.body.UpdateExpression === 'REMOVE #pending' &&
        names?.['#pending'] === `pending#${booking.id}`
      ) {
        first = false;
        reach();
        await released;
      }
      return undefined;
    });
    return { reached, release };
  }

  it('a booking whose seats were taken before the pointer write but confirmed after the switch is retried on the retimed flight', async () => {
    const moved = xx('2030-01-02-XX1');
    await store.inventory.putFlights([moved]);
    const slow = seatBooking([moved.id], 2);
    const confirmation = holdConfirmation(slow);
    let creating: Promise<void> | undefined;
    run = async () => {
      creating = book(slow);
      await confirmation.reached;
    };

    await importSchedule([
      xx(moved.id, { departureUtc: departure + HOUR, arrivalUtc: departure + 9 * HOUR }),
    ]);
    // Its hold was not confirmed when the switch marked the old item: no booking stood on it yet.
    expect(told).toEqual([]);
    confirmation.release();
    await creating;

    const takes = proxy.requests.filter(
      (r) =>
        r.operation === 'UpdateItem' &&
        String(r.body.UpdateExpression).startsWith(
          'SET cabins.#cabin.seatsLeft = cabins.#cabin.seatsLeft - :n',
        ) &&
        (r.body.ExpressionAttributeNames as Record<string, string>)['#booking'] === slow.id,
    );
    expect(takes).toHaveLength(2);
    expect(await store.bookings.get(slow.id)).toMatchObject({ status: 'confirmed' });
    // Sold once, on the retimed flight readers see.
    const retimed = await live(moved.id);
    expect(retimed?.departureUtc).toBe(departure + HOUR);
    expect(economy(retimed)?.seatsLeft).toBe(3);
  });

  it('such a booking on a flight the switch drops is refused as sold out, and the flight nobody holds is deleted', async () => {
    const dropped = xx('2030-01-02-XX1');
    await store.inventory.putFlights([dropped]);
    const slow = seatBooking([dropped.id], 2);
    const confirmation = holdConfirmation(slow);
    let creating: Promise<void> | undefined;
    run = async () => {
      creating = book(slow);
      await confirmation.reached;
    };

    const result = await importSchedule([xx('2030-01-02-XX2')]);
    expect(told).toEqual([]);
    expect(result.cancelled).toEqual([]);
    confirmation.release();
    await expect(creating).rejects.toBeInstanceOf(SoldOutError);

    expect(await live(dropped.id)).toBeUndefined();
    expect(await store.bookings.get(slow.id)).toBeUndefined();
  });
});
