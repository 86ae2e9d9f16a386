import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { closeApi } from '../../src/lambda/api.js';
import { lambdaPlatform } from '../../src/lambda/lambda-platform.js';
import { allAccepted } from '../fixtures/aws/eventbridge-put-events.js';
import { startDynalite, uniqueTableName } from './dynalite.js';
import { API_FUNCTION_SETTINGS, lambdaTestEnvironment } from './lambda-environment.js';

/**
 * The API function's sandbox on dynalite, as the stack configures it: its environment (plus
 * `env`), EventBridge accepting every event, and a demo inventory of 20 airports × 4 days from
 * `startDate` written through the function's own platform. `close` ends the sandbox and puts the
 * process environment back.
 */
export async function startApiSandbox(options: {
  adminKey: string;
  startDate: string;
  /** Redis as the function's cache and limiter, under this prefix; absent: no Redis. */
  cachePrefix?: string;
  env?: Record<string, string>;
}): Promise<{ close(): Promise<void> }> {
  const dynamo = await startDynalite();
  const savedEnv = { ...process.env };
  const eventBridge = mockClient(EventBridgeClient);
  Object.assign(process.env, {
    ...lambdaTestEnvironment({
      table: uniqueTableName(),
      dynamoEndpoint: dynamo.endpoint,
      adminKey: options.adminKey,
      ...(options.cachePrefix === undefined ? {} : { cachePrefix: options.cachePrefix }),
    }),
    ...API_FUNCTION_SETTINGS,
    ...options.env,
  });
  eventBridge
    .on(PutEventsCommand)
    .callsFake((input: { Entries: PutEventsRequestEntry[] }) => allAccepted(input.Entries.length));
  const platform = await lambdaPlatform();
  await generateDemoInventory(platform.airports.all(), platform.store, {
    airports: 20,
    days: 4,
    seed: 11,
    startDate: options.startDate,
  });
  return {
    async close() {
      await closeApi();
      await dynamo.close();
      process.env = savedEnv;
      eventBridge.restore();
    },
  };
}
