/**
 * Amazon EventBridge as the event bus of the AWS deployment. Publishing is `PutEvents` on one
 * custom bus; the CloudEvent travels whole as the EventBridge `detail`, its type as `detail-type`,
 * so rules match on `source` and `detail-type` and consumers get the event back unchanged.
 *
 * EventBridge pushes: rules deliver events to their targets (in the CDK stack an SQS queue per
 * consumer, drained by a Lambda function), so there is nothing for a process to pull from. `subscribe`
 * therefore rejects, and a deployment on this bus consumes through `eventFromEventBridge` in the
 * Lambda entry points instead of `subscribe`.
 *
 * Loaded only when EVENT_BUS=eventbridge, so other deployments never load the AWS SDK.
 */
import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import {
  type CloudEvent,
  type EventBus,
  type EventBusHealth,
  EventBusUnavailableError,
  type Subscription,
} from '../../ports/events.js';

/** `source` of every entry this adapter puts; the stack's rules match on it. */
export const EVENTBRIDGE_SOURCE = 'travel-platform';

/** Entries one PutEvents request may carry (service limit). */
const MAX_ENTRIES_PER_REQUEST = 10;

export interface EventBridgeEventBusOptions {
  /** Name or ARN of the custom event bus. */
  busName: string;
  /** Client settings (region, endpoint, credentials); defaults come from the environment. */
  client?: EventBridgeClientConfig;
  /** Attempts at entries EventBridge reported as failed (throttled, internal) before rejecting; default 3. */
  maxAttempts?: number;
}

/**
 * Publishes CloudEvents to an EventBridge bus. `publish` resolves once EventBridge accepted every
 * entry (entries it reports failed are sent again, up to `maxAttempts`), and otherwise rejects with
 * EventBusUnavailableError: the outbox relay then publishes the batch again, and consumers skip what
 * already arrived by event id.
 */
export class EventBridgeEventBus implements EventBus {
  readonly #client: EventBridgeClient;
  readonly #busName: string;
  readonly #maxAttempts: number;
  #closed = false;

  constructor(options: EventBridgeEventBusOptions) {
    this.#client = new EventBridgeClient(options.client ?? {});
    this.#busName = options.busName;
    this.#maxAttempts = options.maxAttempts ?? 3;
  }

  async publish(events: readonly CloudEvent[]): Promise<void> {
    if (this.#closed) throw new EventBusUnavailableError('the EventBridge event bus is closed');
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_REQUEST) {
      await this.#put(events.slice(start, start + MAX_ENTRIES_PER_REQUEST).map((e) => this.#entry(e)));
    }
  }

  async subscribe(group: string): Promise<Subscription> {
    throw new EventBusUnavailableError(
      `EventBridge delivers events to rule targets, not to subscribers (group ${group}): consume them through the Lambda consumers of the AWS stack`,
    );
  }

  async health(): Promise<EventBusHealth> {
    // Publishing nothing costs nothing and has no side effect, so the probe is the credentials and the
    // configuration: a client that cannot resolve them fails here rather than at the first booking.
    if (this.#closed) return { ok: false, detail: 'closed' };
    try {
      await this.#client.config.credentials();
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.destroy();
  }

  #entry(event: CloudEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.#busName,
      Source: EVENTBRIDGE_SOURCE,
      DetailType: event.type,
      Detail: JSON.stringify(event),
      Time: new Date(event.time),
    };
  }

  /** Puts `entries`, sending again only the ones EventBridge reports failed, in their order. */
  async #put(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      let failed: { entry: PutEventsRequestEntry; code: string }[];
      try {
        const result = await this.#client.send(new PutEventsCommand({ Entries: pending }));
        if (!result.FailedEntryCount) return;
        // Result entries line up with request entries; a failed one has an ErrorCode and no EventId.
        failed = (result.Entries ?? []).flatMap((outcome, i) =>
          outcome.ErrorCode && pending[i] ? [{ entry: pending[i], code: outcome.ErrorCode }] : [],
        );
      } catch (cause) {
        throw new EventBusUnavailableError('EventBridge PutEvents failed', { cause });
      }
      if (failed.length === 0) return;
      if (attempt >= this.#maxAttempts) {
        const codes = [...new Set(failed.map((f) => f.code))].join(', ');
        throw new EventBusUnavailableError(
          `EventBridge refused ${failed.length} of ${pending.length} events after ${attempt} attempts (${codes})`,
        );
      }
      pending = failed.map((f) => f.entry);
    }
  }
}

/** What EventBridge hands a target: the envelope around one entry (the fields consumers read). */
export interface EventBridgeDelivery {
  id: string;
  source: string;
  'detail-type': string;
  detail: unknown;
}

/**
 * The CloudEvent inside an EventBridge delivery of an entry this adapter put; undefined when the
 * delivery is not one (another source, or a detail that is not a CloudEvent), so a consumer can report
 * it as poison instead of failing the whole batch.
 */
export function eventFromEventBridge(delivery: EventBridgeDelivery): CloudEvent | undefined {
  if (delivery.source !== EVENTBRIDGE_SOURCE) return undefined;
  const detail = delivery.detail;
  if (typeof detail !== 'object' || detail === null) return undefined;
  const event = detail as Partial<CloudEvent>;
  const isEvent =
    event.specversion === '1.0' &&
    typeof event.id === 'string' &&
    event.type === delivery['detail-type'] &&
    typeof event.source === 'string' &&
    typeof event.time === 'string' &&
    'data' in event;
  return isEvent ? (event as CloudEvent) : undefined;
}
