import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/ports/events.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

let tp: TestPlatform;
const events: CloudEvent[] = [];
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  // A budget a cent wide: the fixed lines alone (cache nodes, metrics) cross it within the month's first minute.
  tp = await startTestPlatform({
    clock,
    env: { COST_MONTHLY_BUDGET_USD: '0.01', ANALYTICS_FLUSH_MS: '100' },
  });
  await tp.platform.events.bus.subscribe('test-observer', async (event) => {
    events.push(event);
  });
});
afterAll(() => tp.close());

describe('monthly budget alerts', () => {
  it('crossing 80% and 100% of COST_MONTHLY_BUDGET_USD emits budget.threshold-crossed once each and shows in the month status', async () => {
    const analytics = tp.platform.services.analytics!;
    // This month's alerts went out at start, before the observer subscribed: watch the next month's.
    const now = new Date(clock.now());
    clock.set(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));
    const { budget } = await analytics.month();
    expect(budget).toMatchObject({ budgetUsd: 0.01, crossed: [80, 100] });
    expect(budget.used).toBeGreaterThan(1);
    await waitFor(
      'two budget alerts',
      () => events.filter((e) => e.type === 'budget.threshold-crossed').length >= 2,
    );
    await analytics.month();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const alerts = events.filter((e) => e.type === 'budget.threshold-crossed');
    expect(alerts.map((e) => (e.data as { thresholdPercent: number }).thresholdPercent).sort()).toEqual([
      100, 80,
    ]);
  });
});
