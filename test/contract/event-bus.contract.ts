import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/core/events/create-event.js';
import type { CloudEvent, EventBus } from '../../src/ports/events.js';
import { waitFor } from '../helpers/wait-for.js';

/** A backend under test: a fresh bus per test, and what to clean up after it. */
export interface EventBusBackend {
  create(): Promise<{ bus: EventBus; cleanup?: () => Promise<void> }>;
}

const source = '/test/event-bus-contract';

function events(count: number, label = 'e'): CloudEvent[] {
  return Array.from({ length: count }, (_, i) => createEvent('price.updated', { label, i }, { source }));
}

const ids = (list: readonly CloudEvent[]): string[] => list.map((e) => e.id);

/** The behaviour every EventBus backend must have (docs/ARCHITECTURE.md: one contract suite per port, every backend). */
export function describeEventBusContract(name: string, backend: EventBusBackend): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    let cleanup: (() => Promise<void>) | undefined;
    let group: (label: string) => string;

    beforeEach(async () => {
      ({ bus, cleanup } = await backend.create());
      const run = randomUUID().slice(0, 8);
      group = (label) => `${label}-${run}`;
    });

    afterEach(async () => {
      await bus.close();
      await cleanup?.();
    });

    it('delivers a published event to a subscriber with its fields intact', async () => {
      const received: CloudEvent[] = [];
      await bus.subscribe(group('g'), async (event) => {
        received.push(event);
      });
      const [event] = events(1);
      await bus.publish([event!]);
      await waitFor('the event', () => received.length === 1);
      expect(received[0]).toEqual(event);
    });

    it('gives every consumer group every event', async () => {
      const byGroup = { a: [] as string[], b: [] as string[] };
      await bus.subscribe(group('a'), async (e) => void byGroup.a.push(e.id));
      await bus.subscribe(group('b'), async (e) => void byGroup.b.push(e.id));
      const published = events(20);
      await bus.publish(published.slice(0, 10));
      await bus.publish(published.slice(10));
      await waitFor('both groups', () => byGroup.a.length >= 20 && byGroup.b.length >= 20);
      expect(new Set(byGroup.a)).toEqual(new Set(ids(published)));
      expect(new Set(byGroup.b)).toEqual(new Set(ids(published)));
    });

    it('shares a group between its consumers: together they see every event', async () => {
      const first: string[] = [];
      const second: string[] = [];
      await bus.subscribe(group('shared'), async (e) => void first.push(e.id));
      await bus.subscribe(group('shared'), async (e) => void second.push(e.id));
      const published = events(30);
      for (const event of published) await bus.publish([event]);
      await waitFor('all events in the group', () => new Set([...first, ...second]).size === 30);
      expect(new Set([...first, ...second])).toEqual(new Set(ids(published)));
    });

    it('keeps publish order for a group with one consumer', async () => {
      const received: string[] = [];
      await bus.subscribe(group('ordered'), async (e) => void received.push(e.id));
      const published = events(50);
      for (let i = 0; i < 50; i += 10) await bus.publish(published.slice(i, i + 10));
      await waitFor('50 events', () => received.length >= 50);
      expect(received).toEqual(ids(published));
    });

    it('delivers again an event whose handler rejected, then not after it was acknowledged', async () => {
      const attempts = new Map<string, number>();
      await bus.subscribe(group('retry'), async (e) => {
        const n = (attempts.get(e.id) ?? 0) + 1;
        attempts.set(e.id, n);
        if (n === 1 && (e.data as { label: string }).label === 'flaky') throw new Error('first try fails');
      });
      const [flaky] = events(1, 'flaky');
      await bus.publish([flaky!]);
      await waitFor('the redelivery', () => attempts.get(flaky!.id) === 2);
      // A later event arriving proves the consumer moved on; the acknowledged one must not come back.
      const [sentinel] = events(1, 'sentinel');
      await bus.publish([sentinel!]);
      await waitFor('the sentinel', () => attempts.has(sentinel!.id));
      expect(attempts.get(flaky!.id)).toBe(2);
    });

    it('hands the event of a consumer that closed mid-handler to another consumer of its group', async () => {
      let started = false;
      const dying = await bus.subscribe(group('takeover'), () => {
        started = true;
        return new Promise<void>(() => {}); // never acknowledges
      });
      const [event] = events(1);
      await bus.publish([event!]);
      await waitFor('the first consumer to start', () => started);
      await dying.close();
      const taken: string[] = [];
      await bus.subscribe(group('takeover'), async (e) => void taken.push(e.id));
      await waitFor('the takeover', () => taken.includes(event!.id));
    });

    it('keeps a group’s events while none of its consumers is connected', async () => {
      const first = await bus.subscribe(group('offline'), async () => {});
      await first.close();
      const published = events(5);
      await bus.publish(published);
      const received: string[] = [];
      await bus.subscribe(group('offline'), async (e) => void received.push(e.id));
      await waitFor('the events published while offline', () => received.length >= 5);
      expect(received).toEqual(ids(published));
    });

    it('reports health, and after close rejects publishing and reports not ok', async () => {
      expect(await bus.health()).toEqual({ ok: true });
      await bus.close();
      await expect(bus.publish(events(1))).rejects.toThrow(/closed/);
      expect((await bus.health()).ok).toBe(false);
    });
  });
}
