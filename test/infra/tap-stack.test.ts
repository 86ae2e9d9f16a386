import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackPropsFromContext } from '../../infra/lib/context.js';
import { INVALIDATING_EVENT_TYPES } from '../../infra/lib/events.js';
import { ALARM_THRESHOLDS } from '../../infra/lib/monitoring.js';
import { API_THROTTLING } from '../../infra/lib/rest-api.js';
import { STAGES, type Stage } from '../../infra/lib/stage.js';
import { TABLE_DESIGN } from '../../infra/lib/table-design.js';
import { STACK_TAGS } from '../../infra/lib/tap-stack.js';
import { EVENTBRIDGE_SOURCE } from '../../src/adapters/events/eventbridge.js';
import { PLAN_NAMES, PLANS } from '../../src/core/gateway/plans.js';
import { LAMBDA_METRICS } from '../../src/lambda/observability.js';
import { type SynthesizedStack, synthTapStack } from '../helpers/tap-stack.js';

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }
>;

const of = (synth: SynthesizedStack, type: string) =>
  Object.entries(synth.template.findResources(type) as Resources).map(([id, resource]) => ({
    id,
    ...resource,
  }));

describe.each(STAGES)('TapStack (%s)', (stage: Stage) => {
  let synth: SynthesizedStack;

  beforeAll(async () => {
    // Throws when cdk-nag reports a finding nobody acknowledged.
    synth = await synthTapStack(stage);
  }, 180_000);

  it('passes cdk-nag AwsSolutionsChecks with every acknowledgement carrying a reason', () => {
    const acknowledgements = synth.stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules'),
      )
      .flatMap((entry) => Object.values(entry.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const reason of acknowledgements) expect(reason.length).toBeGreaterThan(30);
  });

  it('serves a regional REST API with access logs, X-Ray and 10,000/5,000 stage throttling, and no resource policy', () => {
    synth.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      Policy: Match.absent(),
    });
    synth.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: stage,
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: API_THROTTLING.rateLimit,
          ThrottlingBurstLimit: API_THROTTLING.burstLimit,
        }),
      ]),
    });
    expect(API_THROTTLING).toEqual({ rateLimit: 10_000, burstLimit: 5_000 });
  });

  it('requires an API key under /v1 only and routes every method to the live alias', () => {
    const methods = of(synth, 'AWS::ApiGateway::Method');
    const keyed = methods.filter((m) => m.Properties?.ApiKeyRequired === true);
    expect(keyed).toHaveLength(1);
    expect(methods.length).toBe(3);
    for (const method of methods) {
      expect(JSON.stringify(method.Properties?.Integration)).toContain('{"Ref":"ApiLive');
    }
  });

  it('has one usage plan per plan of the plan table, with its rate, burst and daily quota', () => {
    for (const name of PLAN_NAMES) {
      const plan = PLANS[name];
      synth.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: Match.stringLikeRegexp(`-${name}$`),
        Throttle: { RateLimit: plan.rateLimit, BurstLimit: plan.burstLimit },
        Quota: { Limit: plan.dailyQuota, Period: 'DAY' },
        ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
      });
    }
    synth.template.resourceCountIs('AWS::ApiGateway::UsagePlan', PLAN_NAMES.length);
  });

  it('runs four Node.js 22 arm64 functions (API, cache invalidation, outbox relay, webhooks) with active tracing in the private subnets, on DynamoDB, Redis and EventBridge', () => {
    const functions = of(synth, 'AWS::Lambda::Function').filter(
      (f) => f.Properties?.Handler === 'index.handler',
    );
    expect(functions).toHaveLength(4);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        VpcConfig: { SubnetIds: expect.any(Array) },
        Environment: {
          Variables: expect.objectContaining({
            STORE: 'dynamodb',
            CACHE: 'redis',
            EVENT_BUS: 'eventbridge',
            RATE_LIMITER: 'redis',
            REDIS_AUTH_SECRET_ARN: expect.anything(),
          }),
        },
      });
    }
  });

  it('keeps the store in one on-demand table with the store design, PITR, a customer-managed key, streams and TTL', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: `TravelData${stage}`,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: TABLE_DESIGN.timestampIndex.name,
          KeySchema: [
            { AttributeName: TABLE_DESIGN.timestampIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_DESIGN.timestampIndex.sortKey, KeyType: 'RANGE' },
          ],
        }),
        Match.objectLike({ IndexName: TABLE_DESIGN.lookupIndex.name }),
      ]),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TABLE_DESIGN.ttlAttribute, Enabled: true },
    });
    synth.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('runs Redis as a Multi-AZ replication group with failover, TLS, AUTH from Secrets Manager and encryption at rest', () => {
    synth.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      KmsKeyId: Match.anyValue(),
      AuthToken: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith(['{{resolve:secretsmanager:'])]),
      }),
    });
    const [group] = of(synth, 'AWS::ElastiCache::ReplicationGroup');
    expect(group?.Properties?.NumCacheClusters).toBeGreaterThanOrEqual(2);
  });

  it('has a VPC without NAT, with a DynamoDB gateway endpoint and the interface endpoints the functions call', () => {
    synth.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    synth.template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const endpoints = of(synth, 'AWS::EC2::VPCEndpoint').map((e) =>
      JSON.stringify(e.Properties?.ServiceName),
    );
    expect(endpoints.some((name) => name.includes('.dynamodb'))).toBe(true);
    expect(endpoints.some((name) => name.includes('secretsmanager'))).toBe(true);
    expect(endpoints.some((name) => name.includes('.events'))).toBe(true);
    synth.template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
    synth.template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('routes invalidating events from the bus to an SQS queue with dead-letter queues and partial batch failures', () => {
    synth.template.resourceCountIs('AWS::Events::EventBus', 1);
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [EVENTBRIDGE_SOURCE], 'detail-type': [...INVALIDATING_EVENT_TYPES] },
      Targets: [
        Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: Match.anyValue() }),
      ],
    });
    synth.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('relays outbox inserts from the table stream with bisection, partial failures and an on-failure queue', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [{ Pattern: Match.stringLikeRegexp('"OUTBOX"') }],
      },
    });
  });

  it('draws a dashboard in the stack’s own region with latency percentiles, errors, cache hit ratio, Lambda, DynamoDB and DLQ depth', () => {
    const [dashboard] = of(synth, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    expect(body).not.toMatch(/[a-z]{2}-(east|west|north|south|central|southeast|northeast)-\d/);
    expect(body).toContain('{"Ref":"AWS::Region"}');
    for (const needle of [
      'p50',
      'p90',
      'p99',
      '4XXError',
      '5XXError',
      LAMBDA_METRICS.cacheHit,
      LAMBDA_METRICS.cacheMiss,
      'Duration',
      'ConcurrentExecutions',
      'Throttles',
      'ConsumedReadCapacityUnits',
      'WriteThrottleEvents',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(body).toContain(needle);
    }
  });

  it('alarms on p99 > 500 ms, 5xx rate > 0.1%, throttles and any dead letter', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: ALARM_THRESHOLDS.p99LatencyMs,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: ALARM_THRESHOLDS.serverErrorRatePercent,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('errors / FILL\\(requests') }),
      ]),
    });
    const alarms = of(synth, 'AWS::CloudWatch::Alarm');
    const throttleAlarms = alarms.filter((a) => a.Properties?.MetricName === 'Throttles');
    expect(throttleAlarms).toHaveLength(4);
    const dlqAlarms = alarms.filter((a) =>
      JSON.stringify(a.Properties).includes('ApproximateNumberOfMessagesVisible'),
    );
    // Cache invalidation consumer, event rule, stream relay; webhook events consumer and webhook rule.
    expect(dlqAlarms).toHaveLength(5);
    for (const alarm of dlqAlarms) {
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(JSON.stringify(alarm.Properties)).toContain(
        '"Namespace":"AWS/SQS"},"Period":60,"Stat":"Maximum"',
      );
    }
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toHaveLength(1);
    expect({ p99: 500, rate: 0.1 }).toEqual({
      p99: ALARM_THRESHOLDS.p99LatencyMs,
      rate: ALARM_THRESHOLDS.serverErrorRatePercent,
    });
  });

  it('budgets the month with the alert threshold given as a prop', () => {
    synth.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 200, Unit: 'USD' } },
      NotificationsWithSubscribers: Match.arrayWith([
        Match.objectLike({ Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 75 }) }),
      ]),
    });
  });

  it('grants least privilege: no wildcard actions and no DynamoDB, EventBridge or SQS action on every resource', () => {
    for (const policy of of(synth, 'AWS::IAM::Policy')) {
      const document = policy.Properties?.PolicyDocument as
        | { Statement: Record<string, unknown>[] }
        | undefined;
      const statements = document?.Statement ?? [];
      for (const statement of statements) {
        const actions = [statement.Action].flat() as string[];
        expect(actions).not.toContain('*');
        for (const action of actions) expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
        // Only actions without resource-level permissions may name every resource.
        if (statement.Resource === '*')
          expect(
            actions.every((a) => a.startsWith('xray:') || a === 'dynamodb:ListStreams'),
            actions.join(),
          ).toBe(true);
      }
    }
    const relayPolicy = of(synth, 'AWS::IAM::Policy').find((p) => p.id.startsWith('OutboxRelayFunction'));
    expect(JSON.stringify(relayPolicy?.Properties)).toContain('events:PutEvents');
    const apiPolicy = of(synth, 'AWS::IAM::Policy').find((p) => p.id.startsWith('ApiFunction'));
    expect(JSON.stringify(apiPolicy?.Properties)).not.toContain('events:PutEvents');
  });

  it('tags every taggable resource with Project and iac-rlhf-amazon', () => {
    const resources = synth.template.toJSON().Resources as Resources;
    const tagged = Object.values(resources).filter((r) => r.Properties && 'Tags' in r.Properties);
    expect(tagged.length).toBeGreaterThan(20);
    for (const resource of tagged) {
      const tags = resource.Properties?.Tags;
      const pairs = Array.isArray(tags)
        ? Object.fromEntries((tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]))
        : (tags as Record<string, string>);
      expect(pairs, resource.Type).toMatchObject(STACK_TAGS);
    }
  });

  it('shifts API traffic through CodeDeploy with rollback on the 5xx and p99 alarms', () => {
    const config = {
      dev: 'CodeDeployDefault.LambdaAllAtOnce',
      staging: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      prod: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    }[stage];
    synth.template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: config,
      AlarmConfiguration: {
        Enabled: true,
        Alarms: [
          { Name: { Ref: Match.stringLikeRegexp('^MonitoringServerErrorRate') } },
          { Name: { Ref: Match.stringLikeRegexp('^MonitoringP99Latency') } },
        ],
      },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
      },
    });
    synth.template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
    synth.template.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.anyValue() },
    });
  });

  it(`keeps data on deletion in prod only (${stage})`, () => {
    const expected = stage === 'prod' ? 'Retain' : 'Delete';
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
    ]) {
      for (const resource of of(synth, type)) expect(resource.DeletionPolicy, type).toBe(expected);
    }
    const [group] = of(synth, 'AWS::ElastiCache::ReplicationGroup');
    expect(group?.DeletionPolicy).toBe(stage === 'prod' ? 'Snapshot' : 'Delete');
  });
});

describe('TapStack options', () => {
  it('can run the table on provisioned capacity with autoscaling of the table and both indexes', async () => {
    const { template } = await synthTapStack('dev', {
      provisionedCapacity: { minRead: 5, maxRead: 100, minWrite: 5, maxWrite: 50 },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 6);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 6);
  }, 180_000);

  it('reads stage, suffix and region from context and environment, and rejects a bad stage in one line', () => {
    const context = (values: Record<string, string>) => (key: string) => values[key];
    const props = stackPropsFromContext(context({ stage: 'prod', environmentSuffix: 'pr42' }), {
      CDK_DEFAULT_REGION: 'eu-central-1',
      CDK_DEFAULT_ACCOUNT: '111122223333',
    });
    expect(props).toMatchObject({
      stage: 'prod',
      environmentSuffix: 'pr42',
      env: { region: 'eu-central-1', account: '111122223333' },
    });
    expect(() => stackPropsFromContext(context({ stage: 'qa' }), {})).toThrow(
      '-c stage=qa is invalid: expected one of dev, staging, prod',
    );
  });
});
