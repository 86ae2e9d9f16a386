import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/in-process.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/database.js';
import { SqliteOutbox } from '../../src/adapters/store/sqlite/outbox.js';
import { createEvent } from '../../src/core/events/create-event.js';
import { OutboxRelay } from '../../src/core/events/outbox-relay.js';
import type { CloudEvent, EventBus } from '../../src/ports/events.js';
import { type EventStores, openEventStores } from '../helpers/event-stores.js';
import { waitFor } from '../helpers/wait-for.js';

const source = '/test/outbox';
const booking = (bookingId: string) => createEvent('booking.created', { bookingId }, { source });
const bookingIds = (events: readonly CloudEvent[]) =>
  events.map((e) => (e.data as { bookingId: string }).bookingId);

describe('transactional outbox and relay', () => {
  let stores: EventStores;
  let bus: InProcessEventBus;
  let received: CloudEvent[];
  const relays: OutboxRelay[] = [];

  beforeEach(async () => {
    stores = openEventStores();
    bus = new InProcessEventBus();
    received = [];
    await bus.subscribe('audit', async (event) => void received.push(event));
  });

  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
    await bus.close();
    stores.cleanup();
  });

  function startRelay(options: { pollMs?: number; bus?: EventBus; outbox?: SqliteOutbox } = {}): OutboxRelay {
    const relay = new OutboxRelay({
      outbox: options.outbox ?? stores.outbox,
      bus: options.bus ?? bus,
      pollMs: options.pollMs ?? 20,
      leaseMs: 2000,
    });
    relays.push(relay);
    relay.start();
    return relay;
  }

  /** A domain write and its event in one transaction, as the booking code does. */
  function book(bookingId: string, fail = false): void {
    stores.db.transaction(() => {
      stores.db
        .prepare('INSERT INTO settings (name, value) VALUES (?, ?)')
        .run(`booking:${bookingId}`, 'confirmed');
      stores.outbox.append([booking(bookingId)]);
      if (fail) throw new Error('sold out');
    })();
  }

  it('publishes events of committed transactions in order and never those of rolled-back ones', async () => {
    startRelay();
    book('B1');
    expect(() => book('B2', true)).toThrow('sold out');
    book('B3');
    stores.outbox.append([booking('B4'), booking('B5')]);
    await waitFor('four events', () => received.length >= 4);
    expect(bookingIds(received)).toEqual(['B1', 'B3', 'B4', 'B5']);
    expect(stores.outbox.pendingRecords()).toEqual([]);
    expect(stores.db.prepare("SELECT count(*) AS n FROM settings WHERE name = 'booking:B2'").get()).toEqual({
      n: 0,
    });
  });

  it('is nudged by a local append instead of waiting for the next poll', async () => {
    const relay = startRelay({ pollMs: 3_600_000 });
    await relay.drain(); // the first round has run; only a nudge can start the next within the hour
    book('B1');
    await waitFor('the nudged publish', () => received.length === 1);
  });

  it('does not read rows of a transaction still open on the shared connection', async () => {
    const relay = startRelay({ pollMs: 3_600_000 });
    stores.db.exec('BEGIN');
    stores.outbox.append([booking('B-open')]);
    expect(await relay.drain()).toBe(0);
    stores.db.exec('ROLLBACK');
    book('B1');
    await waitFor('B1', () => received.length === 1);
    expect(bookingIds(received)).toEqual(['B1']);
  });

  it('keeps the rows when publishing fails and publishes them on a later round', async () => {
    let failures = 1;
    const flakyBus: EventBus = {
      publish: async (events) => {
        if (failures-- > 0) throw new Error('bus unreachable');
        await bus.publish(events);
      },
      subscribe: (group, handler, options) => bus.subscribe(group, handler, options),
      health: () => bus.health(),
      close: () => bus.close(),
    };
    const relay = new OutboxRelay({ outbox: stores.outbox, bus: flakyBus, pollMs: 3_600_000 });
    book('B1');
    await expect(relay.drain()).rejects.toThrow('bus unreachable');
    expect(bookingIds(stores.outbox.pendingRecords().map((r) => r.event))).toEqual(['B1']);
    expect(await relay.drain()).toBe(1);
    await waitFor('B1', () => received.length === 1);
  });

  it('lets one relay at a time drain an outbox shared by two processes, delivering each event once', async () => {
    // A second connection to the same file stands for a second API process.
    const otherDb = openSqliteDatabase(stores.file);
    try {
      const otherOutbox = new SqliteOutbox(otherDb);
      startRelay({ pollMs: 5 });
      startRelay({ pollMs: 5, outbox: otherOutbox });
      for (let i = 0; i < 40; i++) (i % 2 === 0 ? stores.outbox : otherOutbox).append([booking(`B${i}`)]);
      await waitFor('forty events', () => received.length >= 40);
      await Promise.all(relays.map((relay) => relay.drain()));
      expect(bookingIds(received)).toEqual(Array.from({ length: 40 }, (_, i) => `B${i}`));
    } finally {
      for (const relay of relays.splice(0)) await relay.stop();
      otherDb.close();
    }
  });

  it('prunes rows published before the retention bound', async () => {
    book('B1');
    const relay = startRelay({ pollMs: 3_600_000 });
    await relay.drain();
    expect(await stores.outbox.prunePublished(Date.now() + 1)).toBe(1);
    expect(stores.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
  });
});
