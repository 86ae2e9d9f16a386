import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_METRICS, METRICS_NAMESPACE } from '../../src/lambda/observability.js';

/** Alarm thresholds the stack is held to. */
export const ALARM_THRESHOLDS = {
  p99LatencyMs: 500,
  serverErrorRatePercent: 0.1,
  /**
   * Below this many requests a minute the 5xx-rate and p99 alarms read 0: at 1 rps one 5xx is
   * 1.7 % and a single cold start is the p99, so a quiet healthy version would be rolled back.
   * The new version's own errors alarm covers quiet periods.
   */
  minRequestsPerMinute: 100,
  /** Oldest unprocessed record of the table stream the outbox relay reads, ms. */
  streamIteratorAgeMs: 60_000,
  /** Oldest message waiting in the cache-invalidation queue, seconds. */
  queueAgeSeconds: 120,
  /** Oldest dead letter, days (the dead-letter queues keep messages 14 days). */
  deadLetterAgeDays: 7,
  /** Redis engine CPU and memory use, percent, and evictions a minute, on any node. */
  cacheEngineCpuPercent: 80,
  cacheMemoryPercent: 80,
  cacheEvictionsPerMinute: 100,
} as const;

export interface MonitoringProps {
  environmentSuffix: string;
  api: apigateway.RestApi;
  functions: { name: string; fn: lambda.IFunction }[];
  table: dynamodb.ITable;
  deadLetterQueues: { name: string; queue: sqs.IQueue }[];
  /** Queues a consumer works off, watched by the age of their oldest message. */
  workQueues: { name: string; queue: sqs.IQueue }[];
  /** The function reading the table stream (iterator age). */
  streamConsumer: lambda.IFunction;
  /** The API's `live` alias and the version a deployment moves it to (that version's own errors). */
  live: { alias: lambda.IAlias; functionName: string; version: lambda.IVersion };
  /** Cache cluster ids of the Redis replication group's nodes. */
  cacheNodeIds: string[];
  /** Subscribed to the alarm topic; absent (dev only): subscribe later. */
  alertEmail?: string;
  removalPolicy: RemovalPolicy;
}

const minute = Duration.minutes(1);

/**
 * The dashboard and alarms. Every metric is read in the stack's own region (no widget names one), and
 * every alarm notifies one SNS topic, encrypted with a key of its own that CloudWatch may use (with
 * the data key, whose policy names no service, CloudWatch could not publish and no alarm would
 * arrive).
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;
  readonly dashboard: cloudwatch.Dashboard;
  readonly p99LatencyAlarm: cloudwatch.Alarm;
  readonly serverErrorRateAlarm: cloudwatch.Alarm;
  /** Invocation errors of the version being deployed, through the `live` alias. */
  readonly newVersionErrorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { api } = props;
    this.topicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: `travel-platform alarm topic key (${props.environmentSuffix})`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy,
    });
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Alarms', { masterKey: this.topicKey, enforceSSL: true });
    if (props.alertEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    const notify = new actions.SnsAction(this.topic);

    const latency = (statistic: string) => api.metricLatency({ statistic, period: minute, label: statistic });
    const requests = api.metricCount({ period: minute, statistic: 'Sum' });
    const clientErrors = api.metricClientError({ period: minute, statistic: 'Sum' });
    const serverErrors = api.metricServerError({ period: minute, statistic: 'Sum' });
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / FILL(requests, 0)',
      usingMetrics: { errors: serverErrors, requests },
      period: minute,
      label: '5xx rate (%)',
    });
    const emf = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: 'api' },
        statistic: 'Sum',
        period: minute,
      });
    const cacheHitRatio = new cloudwatch.MathExpression({
      expression: '100 * hits / (hits + misses + stale)',
      usingMetrics: {
        hits: emf(LAMBDA_METRICS.cacheHit),
        misses: emf(LAMBDA_METRICS.cacheMiss),
        stale: emf(LAMBDA_METRICS.cacheStale),
      },
      period: minute,
      label: 'search cache hit ratio (%)',
    });

    // The rollback alarms read 0 in minutes with too few requests to judge a version by.
    const whenBusy = (expression: string, label: string, metrics: Record<string, cloudwatch.IMetric>) =>
      new cloudwatch.MathExpression({
        expression: `IF(FILL(requests, 0) >= ${ALARM_THRESHOLDS.minRequestsPerMinute}, ${expression}, 0)`,
        usingMetrics: { requests, ...metrics },
        period: minute,
        label,
      });
    this.p99LatencyAlarm = new cloudwatch.Alarm(this, 'P99Latency', {
      alarmDescription: `API p99 latency above ${ALARM_THRESHOLDS.p99LatencyMs} ms in minutes of at least ${ALARM_THRESHOLDS.minRequestsPerMinute} requests`,
      metric: whenBusy('p99', 'p99 latency (ms) when busy', {
        p99: api.metricLatency({ statistic: 'p99', period: minute }),
      }),
      threshold: ALARM_THRESHOLDS.p99LatencyMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.serverErrorRateAlarm = new cloudwatch.Alarm(this, 'ServerErrorRate', {
      alarmDescription: `API 5xx rate above ${ALARM_THRESHOLDS.serverErrorRatePercent}% in minutes of at least ${ALARM_THRESHOLDS.minRequestsPerMinute} requests`,
      metric: whenBusy('100 * FILL(errors, 0) / requests', '5xx rate (%) when busy', {
        errors: serverErrors,
      }),
      threshold: ALARM_THRESHOLDS.serverErrorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Lambda reports invocations through an alias per executed version: during a canary this is
    // the new version's own errors, however little traffic it gets.
    this.newVersionErrorsAlarm = new cloudwatch.Alarm(this, 'NewVersionErrors', {
      alarmDescription: 'The API version being deployed fails invocations (crash, timeout, out of memory)',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensionsMap: {
          FunctionName: props.live.functionName,
          Resource: `${props.live.functionName}:${props.live.alias.aliasName}`,
          ExecutedVersion: props.live.version.version,
        },
        statistic: 'Sum',
        period: minute,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const alarms: cloudwatch.Alarm[] = [
      this.p99LatencyAlarm,
      this.serverErrorRateAlarm,
      this.newVersionErrorsAlarm,
    ];
    const above = (
      id: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      minutes = 3,
    ) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: minutes,
        datapointsToAlarm: minutes,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    alarms.push(
      above(
        'StreamIteratorAge',
        `The outbox relay is more than ${ALARM_THRESHOLDS.streamIteratorAgeMs / 1000} s behind the table stream`,
        props.streamConsumer.metric('IteratorAge', { statistic: 'Maximum', period: minute }),
        ALARM_THRESHOLDS.streamIteratorAgeMs,
      ),
    );
    for (const { name, queue } of props.workQueues) {
      alarms.push(
        above(
          `QueueAge-${name.replace(/\W+/g, '-')}`,
          `Messages wait more than ${ALARM_THRESHOLDS.queueAgeSeconds} s in the ${name} queue`,
          queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: minute }),
          ALARM_THRESHOLDS.queueAgeSeconds,
        ),
      );
    }
    // Metric math over every node: the primary moves on failover, the alarm follows it.
    const anyCacheNode = (metricName: string, statistic: string, label: string) => {
      // Ids unique per metric: one graph draws several of these expressions.
      const id = metricName.replace(/[^A-Z]/g, '').toLowerCase();
      const nodes = Object.fromEntries(
        props.cacheNodeIds.map((nodeId, index) => [
          `${id}${index}`,
          new cloudwatch.Metric({
            namespace: 'AWS/ElastiCache',
            metricName,
            dimensionsMap: { CacheClusterId: nodeId },
            statistic,
            period: minute,
          }),
        ]),
      );
      return new cloudwatch.MathExpression({
        expression: `MAX([${Object.keys(nodes).join(', ')}])`,
        usingMetrics: nodes,
        period: minute,
        label,
      });
    };
    const cacheCpu = anyCacheNode('EngineCPUUtilization', 'Average', 'Redis engine CPU (%)');
    const cacheMemory = anyCacheNode('DatabaseMemoryUsagePercentage', 'Average', 'Redis memory used (%)');
    const cacheEvictions = anyCacheNode('Evictions', 'Sum', 'Redis evictions');
    alarms.push(
      above(
        'CacheEngineCpu',
        `Redis engine CPU above ${ALARM_THRESHOLDS.cacheEngineCpuPercent}% on a node`,
        cacheCpu,
        ALARM_THRESHOLDS.cacheEngineCpuPercent,
        5,
      ),
      above(
        'CacheMemory',
        `Redis memory above ${ALARM_THRESHOLDS.cacheMemoryPercent}% of maxmemory on a node`,
        cacheMemory,
        ALARM_THRESHOLDS.cacheMemoryPercent,
        5,
      ),
      above(
        'CacheEvictions',
        `Redis evicts more than ${ALARM_THRESHOLDS.cacheEvictionsPerMinute} keys a minute on a node (node type too small)`,
        cacheEvictions,
        ALARM_THRESHOLDS.cacheEvictionsPerMinute,
        5,
      ),
    );

    for (const { name, fn } of props.functions) {
      alarms.push(
        new cloudwatch.Alarm(this, `Throttles-${name}`, {
          alarmDescription: `Lambda ${name} is throttled`,
          metric: fn.metricThrottles({ period: minute, statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    const tableThrottles = new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', { period: minute, statistic: 'Sum' }),
        writes: props.table.metric('WriteThrottleEvents', { period: minute, statistic: 'Sum' }),
      },
      period: minute,
      label: 'DynamoDB throttle events',
    });
    alarms.push(
      new cloudwatch.Alarm(this, 'TableThrottles', {
        alarmDescription: 'DynamoDB requests are throttled',
        metric: tableThrottles,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    const dlqDepth = props.deadLetterQueues.map(({ name, queue }) => ({
      name,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: minute,
        statistic: 'Maximum',
        label: name,
      }),
    }));
    for (const { name, metric } of dlqDepth) {
      alarms.push(
        new cloudwatch.Alarm(this, `DeadLetters-${name.replace(/\W+/g, '-')}`, {
          alarmDescription: `Messages wait in the ${name} dead-letter queue`,
          metric,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    // The depth alarm fires once and stays in ALARM; this one says a dead letter was left long
    // enough that the queue's retention will soon drop it unread.
    for (const { name, queue } of props.deadLetterQueues) {
      alarms.push(
        above(
          `DeadLetterAge-${name.replace(/\W+/g, '-')}`,
          `A message has waited more than ${ALARM_THRESHOLDS.deadLetterAgeDays} days in the ${name} dead-letter queue: redrive or read it before its retention drops it`,
          queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(5) }),
          ALARM_THRESHOLDS.deadLetterAgeDays * 86_400,
          1,
        ),
      );
    }
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }

    const perFunction = (metric: (fn: lambda.IFunction) => cloudwatch.IMetric) =>
      props.functions.map(({ fn }) => metric(fn));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `travel-platform-${props.environmentSuffix}`,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API latency (ms)',
            left: [latency('p50'), latency('p90'), latency('p99')],
            leftAnnotations: [{ value: ALARM_THRESHOLDS.p99LatencyMs, label: 'p99 alarm' }],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [requests, clientErrors, serverErrors],
            right: [serverErrorRate],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Search cache hit ratio (EMF)',
            left: [cacheHitRatio],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Lambda duration p99 (ms)',
            left: perFunction((fn) => fn.metricDuration({ statistic: 'p99', period: minute })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Lambda concurrency',
            left: perFunction((fn) =>
              fn.metric('ConcurrentExecutions', { statistic: 'Maximum', period: minute }),
            ),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Lambda errors (left) and throttles (right)',
            left: perFunction((fn) => fn.metricErrors({ period: minute })),
            right: perFunction((fn) => fn.metricThrottles({ period: minute })),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'DynamoDB consumed capacity',
            left: [
              props.table.metricConsumedReadCapacityUnits({ period: minute, statistic: 'Sum' }),
              props.table.metricConsumedWriteCapacityUnits({ period: minute, statistic: 'Sum' }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({ title: 'DynamoDB throttles', left: [tableThrottles], width: 8 }),
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queue depth',
            left: dlqDepth.map(({ name, metric }) => metric.with({ label: name })),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Redis engine CPU and memory (%, highest node)',
            left: [cacheCpu, cacheMemory],
            right: [cacheEvictions],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Stream iterator age (ms, left) and queue age (s, right)',
            left: [props.streamConsumer.metric('IteratorAge', { statistic: 'Maximum', period: minute })],
            right: props.workQueues.map(({ name, queue }) =>
              queue.metricApproximateAgeOfOldestMessage({
                statistic: 'Maximum',
                period: minute,
                label: name,
              }),
            ),
            width: 12,
          }),
        ],
      ],
    });
  }
}
