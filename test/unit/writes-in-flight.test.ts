import { describe, expect, it } from 'vitest';
import { WritesInFlight } from '../../src/core/demo-inventory/writes-in-flight.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('WritesInFlight', () => {
  it('never has more than `limit` writes running, and drain waits for all of them', async () => {
    const writes = new WritesInFlight(2);
    let running = 0;
    let most = 0;
    let done = 0;
    for (let i = 0; i < 7; i++) {
      await writes.add(async () => {
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
        done++;
      });
    }
    await writes.drain();
    expect(most).toBe(2);
    expect(done).toBe(7);
  });

  it('a failed write makes the next add and drain reject with its error, never an unhandled rejection', async () => {
    const writes = new WritesInFlight(2);
    const failure = new Error('store down');
    await writes.add(async () => {
      await tick();
      throw failure;
    });
    // Slower than the failing write, so the failure is known when the third add gets a slot.
    await writes.add(() => new Promise((resolve) => setTimeout(resolve, 50)));
    await expect(writes.add(tick)).rejects.toBe(failure);
    await expect(writes.drain()).rejects.toBe(failure);
  });
});
