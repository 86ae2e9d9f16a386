import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/in-process.js';
import { createEvent } from '../../src/core/events/create-event.js';
import { waitFor } from '../helpers/wait-for.js';
import { describeEventBusContract } from './event-bus.contract.js';

describeEventBusContract('in-process', {
  create: async () => ({ bus: new InProcessEventBus({ redeliveryDelayMs: 20 }) }),
});

describe('in-process event bus', () => {
  it('lets the event loop serve other work while it works through a long queue', async () => {
    const bus = new InProcessEventBus();
    const handled: number[] = [];
    // Each event keeps the thread busy for a while and settles at once, as a synchronous SQLite mark does.
    await bus.subscribe('busy', async (event) => {
      const until = performance.now() + 1;
      while (performance.now() < until) {}
      handled.push((event.data as { i: number }).i);
    });
    const events = Array.from({ length: 40 }, (_, i) =>
      createEvent('price.updated', { i }, { source: '/test/in-process' }),
    );
    await bus.publish(events);
    let handledWhenTimerRan: number | undefined;
    setTimeout(() => {
      handledWhenTimerRan = handled.length;
    }, 0);
    await waitFor('every event', () => handled.length === events.length);
    await bus.close();
    expect(handledWhenTimerRan).toBeDefined();
    expect(handledWhenTimerRan).toBeLessThan(events.length);
    expect(handled).toEqual(events.map((_, i) => i));
  });
});
