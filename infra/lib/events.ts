import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENTBRIDGE_SOURCE } from '../../src/adapters/events/eventbridge.js';

/** Event types that change what a cached search returns (a booking comes with its own availability.changed). */
export const INVALIDATING_EVENT_TYPES = ['price.updated', 'availability.changed'] as const;

export interface EventsProps {
  environmentSuffix: string;
  removalPolicy: RemovalPolicy;
  /** How long the cache-invalidation function may take per batch; the queue hides messages 6× that. */
  consumerTimeout: Duration;
}

/** An encrypted, TLS-only queue; dead-letter queues keep messages 14 days for inspection and replay. */
function queue(scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    ...props,
  });
}

/**
 * The custom event bus the outbox relay publishes to, the rule routing inventory and booking events
 * to the cache-invalidation queue, and the dead-letter queues of every asynchronous hop:
 *
 *   outbox relay ──PutEvents──▶ bus ──rule──▶ invalidation queue ──▶ cache-invalidation function
 *        │ (stream)                  └─ delivery fails ─▶ rule DLQ        └─ 5 receives ─▶ consumer DLQ
 *        └─ retries exhausted ─▶ stream DLQ
 */
export class EventRouting extends Construct {
  readonly bus: events.EventBus;
  readonly invalidationQueue: sqs.Queue;
  /** The redrive target of the invalidation queue. */
  readonly invalidationDeadLetters: sqs.Queue;
  readonly deadLetterQueues: { name: string; queue: sqs.Queue }[];
  readonly streamDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    const retention = Duration.days(14);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: `travel-platform-${props.environmentSuffix}`,
    });
    this.bus.applyRemovalPolicy(props.removalPolicy);
    const consumerDeadLetters = queue(this, 'InvalidationDeadLetters', { retentionPeriod: retention });
    this.invalidationDeadLetters = consumerDeadLetters;
    this.invalidationQueue = queue(this, 'InvalidationQueue', {
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: consumerDeadLetters, maxReceiveCount: 5 },
    });
    const ruleDeadLetters = queue(this, 'RuleDeadLetters', { retentionPeriod: retention });
    new events.Rule(this, 'CacheInvalidationRule', {
      eventBus: this.bus,
      description: 'Inventory and booking events invalidate cached searches',
      eventPattern: { source: [EVENTBRIDGE_SOURCE], detailType: [...INVALIDATING_EVENT_TYPES] },
      targets: [
        new targets.SqsQueue(this.invalidationQueue, {
          deadLetterQueue: ruleDeadLetters,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    this.streamDeadLetters = queue(this, 'StreamDeadLetters', { retentionPeriod: retention });
    this.deadLetterQueues = [
      { name: 'cache-invalidation consumer', queue: consumerDeadLetters },
      { name: 'event rule delivery', queue: ruleDeadLetters },
      { name: 'outbox stream relay', queue: this.streamDeadLetters },
    ];
    for (const { queue: deadLetters } of this.deadLetterQueues)
      deadLetters.applyRemovalPolicy(props.removalPolicy);
  }
}
