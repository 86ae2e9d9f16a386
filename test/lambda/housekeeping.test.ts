/**
 * The scheduled housekeeping function on dynalite, invoked as EventBridge Scheduler invokes it: it
 * compacts old minute rollups into hours, drops rollups past the retention, announces a crossed
 * monthly budget on the bus (EventBridge stubbed at the SDK-command level), and prunes processed
 * marks and published outbox records past their retention — the work a server's `start()` does on
 * timers, which no Lambda sandbox runs.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import { keys } from '../../src/adapters/store/dynamodb/keys.js';
import { outboxItems } from '../../src/adapters/store/dynamodb/outbox-records.js';
import { EVENT_SOURCE } from '../../src/composition/event-source.js';
import { emptyRollup, encodeRollup } from '../../src/core/analytics/rollup.js';
import { createEvent } from '../../src/core/events/create-event.js';
import { type HousekeepingReport, handler } from '../../src/lambda/housekeeping.js';
import { closeHousekeepingParts } from '../../src/lambda/housekeeping-parts.js';
import { PUBLISHED_OUTBOX_RETENTION_MS } from '../../src/ports/outbox.js';
import { PROCESSED_EVENT_RETENTION_MS } from '../../src/ports/processed-events.js';
import { allAccepted } from '../fixtures/aws/eventbridge-put-events.js';
import { dynamoConfig, type LocalDynamo, startDynalite } from '../helpers/dynalite.js';
import { lambdaTestEnvironment } from '../helpers/lambda-environment.js';
import { lambdaContext } from '../helpers/lambda-events.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const eventBridge = mockClient(EventBridgeClient);
const put: PutEventsRequestEntry[] = [];
let dynamo: LocalDynamo;
let store: DynamoDbStore;
let savedEnv: NodeJS.ProcessEnv;

/** What EventBridge Scheduler sends a Lambda target with no input set. */
const scheduledInvocation = {};

/** A store whose clock reads `ago` ms before now, to leave old marks and records behind. */
async function storeAt(ago: number): Promise<DynamoDbStore> {
  return openDynamoDbStore(dynamoConfig(dynamo.endpoint, store.table.name), { now: () => Date.now() - ago });
}

const minuteAt = (bucket: number, id: string) => ({
  id,
  granularity: 'minute' as const,
  bucket,
  payload: encodeRollup(emptyRollup()),
});

beforeAll(async () => {
  dynamo = await startDynalite();
  const config = dynamoConfig(dynamo.endpoint);
  store = await openDynamoDbStore(config);
  await store.migrate();
  savedEnv = { ...process.env };
  Object.assign(process.env, {
    ...lambdaTestEnvironment({
      table: config.dynamodbTable,
      dynamoEndpoint: dynamo.endpoint,
      createTable: false,
    }),
    ANALYTICS: 'on',
    ANALYTICS_MINUTE_RETENTION_HOURS: '48',
    ANALYTICS_RETENTION_DAYS: '30',
    // A month's fixed costs alone cross a one-cent budget.
    COST_MONTHLY_BUDGET_USD: '0.01',
  });
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    put.push(...input.Entries);
    return allAccepted(input.Entries.length);
  });
});

afterAll(async () => {
  await closeHousekeepingParts();
  store?.table.close();
  await dynamo?.close();
  process.env = savedEnv;
  eventBridge.restore();
});

describe('housekeeping handler (EventBridge Scheduler → Lambda)', () => {
  let report: HousekeepingReport;
  const now = Date.now();
  const oldHour = Math.floor((now - 3 * DAY_MS) / HOUR_MS) * HOUR_MS;
  const recentMinute = Math.floor((now - HOUR_MS) / 60_000) * 60_000;
  // Past the 30-day retention, within the week each run looks back over.
  const expiredHour = Math.floor((now - 33 * DAY_MS) / HOUR_MS) * HOUR_MS;

  beforeAll(async () => {
    // Two minutes of one hour three days ago (past the 48 h minute retention), one an hour ago, and
    // one hour record past the 30-day retention.
    await store.analytics.put([
      minuteAt(oldHour, 'old-a'),
      minuteAt(oldHour + 60_000, 'old-b'),
      minuteAt(recentMinute, 'recent'),
      { ...minuteAt(expiredHour, 'expired'), granularity: 'hour' },
    ]);
    // A processed mark and a published record past their retention, and fresh ones of each.
    for (const [ago, id] of [
      [PROCESSED_EVENT_RETENTION_MS + HOUR_MS, 'old'],
      [0, 'fresh'],
    ] as const) {
      const at = await storeAt(ago);
      await at.processedEvents.mark('cache-invalidation.lambda', `event-${id}`);
      const [item] = outboxItems([createEvent('price.updated', { id }, { source: EVENT_SOURCE })]);
      await at.table.run('append to the outbox', (c) =>
        c.send(new PutCommand({ TableName: at.table.name, Item: item })),
      );
      at.table.close();
      const publishing = await storeAt(ago ? PUBLISHED_OUTBOX_RETENTION_MS + HOUR_MS : 0);
      await publishing.outbox.markPublished([String(item!.searchId)]);
      publishing.table.close();
    }
    report = await handler(scheduledInvocation, lambdaContext('travel-platform-housekeeping'));
  }, 60_000);

  it('runs every step and reports what it did', () => {
    expect(report).toEqual({
      analyticsCompacted: true,
      budgetChecked: true,
      processedEventsPruned: 1,
      publishedOutboxPruned: 1,
      failed: [],
    });
  });

  it('compacts minute rollups past the minute retention into one hour record and drops what is past the retention', async () => {
    const minutes = await store.analytics.list('minute', now - 60 * DAY_MS, now);
    expect(minutes.map((record) => record.id)).toEqual(['recent']);
    const hours = await store.analytics.list('hour', now - 60 * DAY_MS, now);
    expect(hours.map((record) => record.bucket)).toEqual([oldHour]);
  });

  it('keeps fresh processed marks and published records', async () => {
    expect(await store.processedEvents.has('cache-invalidation.lambda', 'event-fresh')).toBe(true);
    expect(await store.processedEvents.has('cache-invalidation.lambda', 'event-old')).toBe(false);
    expect(await store.outbox.prunePublished(now - PUBLISHED_OUTBOX_RETENTION_MS)).toBe(0);
  });

  it('announces the crossed budget thresholds on the bus once, not again on the next run', async () => {
    const announced = put.filter((entry) => entry.DetailType === 'budget.threshold-crossed');
    expect(announced.map((entry) => JSON.parse(entry.Detail ?? '{}').data.thresholdPercent).sort()).toEqual([
      100, 80,
    ]);
    put.length = 0;
    const again = await handler(scheduledInvocation, lambdaContext('travel-platform-housekeeping'));
    expect(again.failed).toEqual([]);
    expect(put.filter((entry) => entry.DetailType === 'budget.threshold-crossed')).toEqual([]);
  });

  it('runs the other steps when one fails, then fails the run naming it', async () => {
    // The budget marks forgotten and EventBridge refusing: the announcement, and so the budget step, fails.
    const month = new Date().toISOString().slice(0, 7);
    for (const threshold of [80, 100])
      await store.table.run('forget a budget mark', (c) =>
        c.send(
          new DeleteCommand({
            TableName: store.table.name,
            Key: keys.setting(`budget-alert:${month}:${threshold}`),
          }),
        ),
      );
    eventBridge.on(PutEventsCommand).rejects(new Error('EventBridge is unreachable'));
    await store.analytics.put([minuteAt(oldHour + 120_000, 'late')]);
    const past = await storeAt(PROCESSED_EVENT_RETENTION_MS + HOUR_MS);
    await past.processedEvents.mark('cache-invalidation.lambda', 'event-late');
    past.table.close();
    await expect(handler(scheduledInvocation, lambdaContext('travel-platform-housekeeping'))).rejects.toThrow(
      'housekeeping steps failed: budget',
    );
    // The steps before and after the failing one ran all the same: the late minute joined an hour
    // record, and the old mark is gone.
    expect((await store.analytics.list('minute', now - 60 * DAY_MS, now)).map((r) => r.id)).toEqual([
      'recent',
    ]);
    expect(await store.processedEvents.has('cache-invalidation.lambda', 'event-late')).toBe(false);
  });
});
