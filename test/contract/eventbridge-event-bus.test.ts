/**
 * EventBridge cannot run here (no local stand-in implements PutEvents and rule delivery), so the
 * adapter is tested at the SDK-command level with aws-sdk-client-mock: the exact PutEvents requests
 * it sends are asserted, and the responses are the documented shapes in fixtures/aws.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/adapters/events/create-event-bus.js';
import {
  EVENTBRIDGE_SOURCE,
  EventBridgeEventBus,
  eventFromEventBridge,
} from '../../src/adapters/events/eventbridge.js';
import { loadConfig } from '../../src/config.js';
import { createEvent } from '../../src/core/events/create-event.js';
import { type CloudEvent, EventBusUnavailableError } from '../../src/ports/events.js';
import { allAccepted, someRefused } from '../fixtures/aws/eventbridge-put-events.js';

const eventBridge = mockClient(EventBridgeClient);
const busName = 'travel-platform-test';
const client = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
};

function events(count: number): CloudEvent[] {
  return Array.from({ length: count }, (_, i) =>
    createEvent('price.updated', { flightId: `F${i}`, cabin: 'economy' }, { source: '/travel-platform/api' }),
  );
}

function sentEntries(call: number) {
  return eventBridge.commandCalls(PutEventsCommand)[call]?.args[0].input.Entries ?? [];
}

describe('EventBridge event bus', () => {
  let bus: EventBridgeEventBus;

  beforeEach(() => {
    eventBridge.reset();
    bus = new EventBridgeEventBus({ busName, client });
  });

  afterEach(async () => {
    await bus.close();
  });

  it('puts each event on the bus with its type as detail-type and the whole CloudEvent as detail', async () => {
    eventBridge.on(PutEventsCommand).resolves(allAccepted(2));
    const published = events(2);
    await bus.publish(published);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(sentEntries(0)).toEqual(
      published.map((event) => ({
        EventBusName: busName,
        Source: EVENTBRIDGE_SOURCE,
        DetailType: 'price.updated',
        Detail: JSON.stringify(event),
        Time: new Date(event.time),
      })),
    );
  });

  it('splits a large batch into requests of 10 entries, in order', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input: { Entries: unknown[] }) => allAccepted(input.Entries.length));
    const published = events(23);
    await bus.publish(published);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    const sentIds = calls.flatMap((call) =>
      (call.args[0].input.Entries ?? []).map((entry) => (JSON.parse(entry.Detail ?? '{}') as CloudEvent).id),
    );
    expect(sentIds).toEqual(published.map((event) => event.id));
  });

  it('sends again only the entries EventBridge refused, then resolves', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce(someRefused(3, [1]))
      .resolvesOnce(allAccepted(1));
    const published = events(3);
    await bus.publish(published);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(sentEntries(1).map((entry) => entry.Detail)).toEqual([JSON.stringify(published[1])]);
  });

  it('rejects with EventBusUnavailableError naming the error code when entries keep being refused', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input: { Entries: unknown[] }) =>
        someRefused(input.Entries.length, [0], 'InternalFailure'),
      );
    const failure = bus.publish(events(2));
    await expect(failure).rejects.toBeInstanceOf(EventBusUnavailableError);
    await expect(failure).rejects.toThrow(/refused 1 of 1 events after 3 attempts \(InternalFailure\)/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('rejects with EventBusUnavailableError carrying the SDK error when the request fails', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: events:PutEvents'), {
      name: 'AccessDeniedException',
    });
    eventBridge.on(PutEventsCommand).rejects(denied);
    const failure = bus.publish(events(1));
    await expect(failure).rejects.toBeInstanceOf(EventBusUnavailableError);
    await expect(failure.catch((error: Error) => error.cause)).resolves.toBe(denied);
  });

  it('refuses to publish after close, and reports itself unhealthy', async () => {
    await bus.close();
    await expect(bus.publish(events(1))).rejects.toBeInstanceOf(EventBusUnavailableError);
    expect(await bus.health()).toEqual({ ok: false, detail: 'closed' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('is healthy when its credentials resolve', async () => {
    expect(await bus.health()).toEqual({ ok: true });
  });

  it('rejects subscribe: EventBridge pushes to rule targets, the Lambda consumers', async () => {
    await expect(bus.subscribe('cache-invalidation')).rejects.toThrow(/rule targets/);
  });

  it('is what createEventBus returns when EVENT_BUS=eventbridge', async () => {
    const config = loadConfig({ EVENT_BUS: 'eventbridge', EVENT_BUS_NAME: busName });
    const created = await createEventBus(config);
    expect(created).toBeInstanceOf(EventBridgeEventBus);
    await created.close();
  });
});

describe('eventFromEventBridge', () => {
  const [event] = events(1) as [CloudEvent];
  // An EventBridge delivery as a rule target receives it (the documented event envelope).
  const delivery = {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'price.updated',
    source: EVENTBRIDGE_SOURCE,
    account: '111122223333',
    time: event.time,
    region: 'eu-west-1',
    resources: [],
    detail: event,
  };

  it('gives back the CloudEvent that was put', () => {
    expect(eventFromEventBridge(delivery)).toEqual(event);
  });

  it('rejects a delivery from another source or whose detail is not a CloudEvent', () => {
    expect(eventFromEventBridge({ ...delivery, source: 'aws.ec2' })).toBeUndefined();
    expect(eventFromEventBridge({ ...delivery, detail: { id: 'x' } })).toBeUndefined();
    expect(eventFromEventBridge({ ...delivery, 'detail-type': 'booking.created' })).toBeUndefined();
    expect(eventFromEventBridge({ ...delivery, detail: 'text' })).toBeUndefined();
  });
});
