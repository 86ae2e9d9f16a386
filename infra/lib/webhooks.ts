import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENTBRIDGE_SOURCE } from '../../src/adapters/events/eventbridge.js';
import { PlatformFunction } from './platform-function.js';
import { grantTableAccess, TABLE_ACCESS } from './table-access.js';

/** Platform events that lead to webhooks (core/webhooks/webhook-payloads.ts maps them). */
export const WEBHOOK_SOURCE_EVENT_TYPES = [
  'booking.created',
  'booking.cancelled',
  'schedule.changed',
] as const;

/** How often the delivery function wakes to send retries, replays and pings that came due. */
export const WEBHOOK_SWEEP_RATE = Duration.minutes(1);

export interface WebhookDeliveryProps {
  bus: events.IEventBus;
  table: dynamodb.ITable;
  /** The table's encryption key. */
  key: kms.IKey;
  code: string;
  environment: Record<string, string>;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/** An encrypted, TLS-only queue. */
function queue(scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    ...props,
  });
}

/**
 * Webhook delivery on AWS (docs/adr/0022-webhook-delivery.md): an EventBridge rule sends booking and
 * schedule events to a queue the delivery function drains, and a schedule wakes the same function
 * every minute for retries that came due. Per-delivery state, retries, leases and dead letters live
 * in the DynamoDB table, as on every deployment; the queues only carry events into it:
 *
 *   bus ──rule──▶ webhook events queue ──▶ delivery function ──HTTPS, signed──▶ client endpoints
 *    │  └ delivery fails ▶ rule DLQ          └ 5 receives ▶ events DLQ     ▲
 *    └ schedule (1 min) ──────────────────────────────────────────────────┘ (retries due)
 */
export class WebhookDelivery extends Construct {
  readonly function: lambda.Function;
  readonly eventsQueue: sqs.Queue;
  /** Dead-letter queues to alarm on, with the names the monitoring shows. */
  readonly deadLetterQueues: { name: string; queue: sqs.Queue }[];
  /** The dead-letter queue that is an EventBridge target's, not an SQS redrive's. */
  readonly ruleDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: WebhookDeliveryProps) {
    super(scope, id);
    const timeout = Duration.seconds(60);
    const retention = Duration.days(14);
    const eventsDeadLetters = queue(this, 'EventsDeadLetters', { retentionPeriod: retention });
    this.eventsQueue = queue(this, 'EventsQueue', {
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: eventsDeadLetters, maxReceiveCount: 5 },
    });
    this.ruleDeadLetters = queue(this, 'RuleDeadLetters', { retentionPeriod: retention });
    new events.Rule(this, 'EventsRule', {
      eventBus: props.bus,
      description: 'Booking and schedule events become webhook deliveries',
      eventPattern: { source: [EVENTBRIDGE_SOURCE], detailType: [...WEBHOOK_SOURCE_EVENT_TYPES] },
      targets: [
        new targets.SqsQueue(this.eventsQueue, {
          deadLetterQueue: this.ruleDeadLetters,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.function = new PlatformFunction(this, 'DeliveryFunction', {
      code: props.code,
      description:
        'travel-platform webhook delivery (EventBridge → SQS, and a one-minute sweep of due retries)',
      memoryMb: 512,
      timeout,
      // Outside the VPC: it calls client endpoints on the internet (the VPC has no NAT unless asked
      // for) and DynamoDB, and needs nothing inside the VPC — no cache. Its address rules
      // (adapters/webhooks) keep it from private and metadata addresses.
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
      // Attempts stop well inside the function's timeout (the handler checks the time left).
      environment: { ...props.environment, WEBHOOK_TIMEOUT_MS: '10000' },
    }).function;
    grantTableAccess(props.table, props.key, this.function, TABLE_ACCESS.webhooks);
    this.function.addEventSource(
      new sources.SqsEventSource(this.eventsQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    new events.Rule(this, 'SweepSchedule', {
      description: 'Sends webhook retries, replays and pings that came due',
      schedule: events.Schedule.rate(WEBHOOK_SWEEP_RATE),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    this.deadLetterQueues = [
      { name: 'webhook events consumer', queue: eventsDeadLetters },
      { name: 'webhook rule delivery', queue: this.ruleDeadLetters },
    ];
    for (const { queue: deadLetters } of this.deadLetterQueues)
      deadLetters.applyRemovalPolicy(props.removalPolicy);
  }
}
