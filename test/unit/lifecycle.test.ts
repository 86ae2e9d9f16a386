import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../src/composition/lifecycle.js';

describe('the platform lifecycle (composition/lifecycle.ts)', () => {
  const recording = () => {
    const calls: string[] = [];
    const part = (name: string) => ({
      start: async () => void calls.push(`start ${name}`),
      close: async () => void calls.push(`close ${name}`),
    });
    return { calls, part };
  };

  it('starts the parts in list order and closes them in reverse, skipping parts configured off', async () => {
    const { calls, part } = recording();
    const lifecycle = new Lifecycle([
      part('store'),
      undefined,
      part('bus'),
      { close: () => calls.push('close pool') },
      part('relay'),
    ]);
    await lifecycle.start();
    await lifecycle.close();
    expect(calls).toEqual([
      'start store',
      'start bus',
      'start relay',
      'close relay',
      'close pool',
      'close bus',
      'close store',
    ]);
  });

  it('starts once however often start is called, and closes what never started (CLI commands)', async () => {
    const { calls, part } = recording();
    const lifecycle = new Lifecycle([part('relay')]);
    await Promise.all([lifecycle.start(), lifecycle.start()]);
    expect(calls).toEqual(['start relay']);
    const unstarted = recording();
    await new Lifecycle([unstarted.part('store')]).close();
    expect(unstarted.calls).toEqual(['close store']);
  });

  it('waits for each start before the next: a consumer subscribes before the relay publishes', async () => {
    const calls: string[] = [];
    const lifecycle = new Lifecycle([
      {
        start: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          calls.push('subscribed');
        },
      },
      { start: () => calls.push('relay started') },
    ]);
    await lifecycle.start();
    expect(calls).toEqual(['subscribed', 'relay started']);
  });
});
