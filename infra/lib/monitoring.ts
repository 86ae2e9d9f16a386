import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
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
} as const;

export interface MonitoringProps {
  environmentSuffix: string;
  api: apigateway.RestApi;
  functions: { name: string; fn: lambda.IFunction }[];
  table: dynamodb.ITable;
  deadLetterQueues: { name: string; queue: sqs.IQueue }[];
  key: kms.IKey;
  alertEmail: string;
}

const minute = Duration.minutes(1);

/**
 * The dashboard and alarms. Every metric is read in the stack's own region (no widget names one), and
 * every alarm notifies one encrypted SNS topic.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly p99LatencyAlarm: cloudwatch.Alarm;
  readonly serverErrorRateAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { api } = props;
    this.topic = new sns.Topic(this, 'Alarms', { masterKey: props.key, enforceSSL: true });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
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

    this.p99LatencyAlarm = new cloudwatch.Alarm(this, 'P99Latency', {
      alarmDescription: `API p99 latency above ${ALARM_THRESHOLDS.p99LatencyMs} ms`,
      metric: api.metricLatency({ statistic: 'p99', period: minute }),
      threshold: ALARM_THRESHOLDS.p99LatencyMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.serverErrorRateAlarm = new cloudwatch.Alarm(this, 'ServerErrorRate', {
      alarmDescription: `API 5xx rate above ${ALARM_THRESHOLDS.serverErrorRatePercent}%`,
      metric: serverErrorRate,
      threshold: ALARM_THRESHOLDS.serverErrorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const alarms: cloudwatch.Alarm[] = [this.p99LatencyAlarm, this.serverErrorRateAlarm];

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
      ],
    });
  }
}
