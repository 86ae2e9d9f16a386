import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLES, DEFAULT_WAF_RATE_LIMIT, stackPropsFromContext } from '../../infra/lib/context.js';
import { INVALIDATING_EVENT_TYPES } from '../../infra/lib/events.js';
import { GATEWAY_PROBLEMS, GATEWAY_RETRY_AFTER_SECONDS } from '../../infra/lib/gateway-responses.js';
import { ALARM_THRESHOLDS } from '../../infra/lib/monitoring.js';
import { API_THROTTLING } from '../../infra/lib/rest-api.js';
import { STAGES, type Stage } from '../../infra/lib/stage.js';
import { TABLE_DESIGN } from '../../infra/lib/table-design.js';
import { STACK_TAGS, TapStack } from '../../infra/lib/tap-stack.js';
import {
  MANAGED_RULE_GROUPS,
  WAF_RATE_WINDOW_SECONDS,
  WAF_RETRY_AFTER_SECONDS,
} from '../../infra/lib/web-firewall.js';
import { EVENTBRIDGE_SOURCE } from '../../src/adapters/events/eventbridge.js';
import { PLANS } from '../../src/core/gateway/plans.js';
import { PROBLEM_BASE, PROBLEMS } from '../../src/http/problems.js';
import { LAMBDA_METRICS } from '../../src/lambda/observability.js';
import { cfnLint, cfnLintAvailable, unexpectedErrors } from '../helpers/cfn-lint.js';
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

  it('leaves authentication to the app (ADR 21): every path and method, preflights included, reaches the live alias without a gateway key', () => {
    const methods = of(synth, 'AWS::ApiGateway::Method');
    // ANY on / and ANY on /{proxy+}: /v1 (admin key routes included), /v1/security/oauth2/token,
    // /v2, /v3, analytics, the dashboard and health all reach the app; OPTIONS is never answered
    // or refused by the gateway, so CORS preflights reach the app's CORS handling.
    expect(methods.map((m) => m.Properties?.HttpMethod)).toEqual(['ANY', 'ANY']);
    for (const method of methods) {
      expect(method.Properties?.ApiKeyRequired ?? false).toBe(false);
      expect(method.Properties?.AuthorizationType).toBe('NONE');
      expect(JSON.stringify(method.Properties?.Integration)).toContain('{"Ref":"ApiLive');
    }
    const resources = of(synth, 'AWS::ApiGateway::Resource').map((r) => r.Properties?.PathPart);
    expect(resources).toEqual(['{proxy+}']);
    for (const type of [
      'AWS::ApiGateway::UsagePlan',
      'AWS::ApiGateway::ApiKey',
      'AWS::ApiGateway::UsagePlanKey',
    ])
      synth.template.resourceCountIs(type, 0);
    const outputs = Object.keys(synth.template.toJSON().Outputs as Record<string, unknown>);
    expect(outputs.some((name) => /UsagePlan/i.test(name))).toBe(false);
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'AdminApiKeySecretArn']));
  });

  it('answers what the gateway refuses itself as problem+json with the problem’s status, retry-after on 429', () => {
    for (const [type, code] of Object.entries(GATEWAY_PROBLEMS)) {
      const { status } = PROBLEMS[code];
      synth.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: String(status),
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Content-Type': "'application/problem+json'",
          ...(status === 429
            ? { 'gatewayresponse.header.Retry-After': `'${GATEWAY_RETRY_AFTER_SECONDS}'` }
            : {}),
        }),
      });
    }
    expect(GATEWAY_PROBLEMS).toMatchObject({
      THROTTLED: 'rate-limited',
      WAF_FILTERED: 'request-blocked',
      INTEGRATION_TIMEOUT: 'gateway-timeout',
      MISSING_AUTHENTICATION_TOKEN: 'route-not-found',
    });
    for (const response of of(synth, 'AWS::ApiGateway::GatewayResponse')) {
      // API Gateway substitutes $context values (no VTL); the result must be the problem as JSON.
      const template =
        ((response.Properties?.ResponseTemplates ?? {}) as Record<string, string>)['application/json'] ?? '';
      const body = JSON.parse(
        template
          .replace('$context.error.messageString', '"Too Many Requests"')
          .replace('$context.path', '/v1/flights/search')
          .replace('$context.requestId', 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'),
      ) as Record<string, unknown>;
      const code = GATEWAY_PROBLEMS[String(response.Properties?.ResponseType)] ?? 'internal-error';
      expect(body).toEqual({
        type: `${PROBLEM_BASE}${code}`,
        title: PROBLEMS[code].title,
        status: PROBLEMS[code].status,
        detail: 'Too Many Requests',
        instance: '/v1/flights/search',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      });
    }
  });

  it('puts AWS WAF on the API stage: IP reputation, the common rule set and a per-address rate rule answering 429 with retry-after', () => {
    synth.template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    synth.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebFirewall'), 'Arn'] },
    });
    const [acl] = of(synth, 'AWS::WAFv2::WebACL');
    const rules = acl?.Properties?.Rules as {
      Name: string;
      Statement: Record<string, unknown>;
      Action?: unknown;
    }[];
    expect(rules.map((rule) => rule.Name)).toEqual([
      ...MANAGED_RULE_GROUPS.map((g) => g.name),
      'RatePerAddress',
    ]);
    const groups = rules.flatMap((rule) => {
      const group = rule.Statement.ManagedRuleGroupStatement as
        | { Name: string; VendorName: string }
        | undefined;
      return group ? [`${group.VendorName}/${group.Name}`] : [];
    });
    expect(groups).toEqual(['AWS/AWSManagedRulesAmazonIpReputationList', 'AWS/AWSManagedRulesCommonRuleSet']);
    expect(rules.at(-1)).toMatchObject({
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'IP',
          Limit: 1000,
          EvaluationWindowSec: WAF_RATE_WINDOW_SECONDS,
        },
      },
      Action: {
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            ResponseHeaders: [{ Name: 'retry-after', Value: String(WAF_RETRY_AFTER_SECONDS) }],
          },
        },
      },
    });
    // No acknowledgement of the missing web ACL remains.
    const acknowledged = synth.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(acknowledged.some((id) => id.includes('APIG3'))).toBe(false);
  });

  it('lets CloudWatch publish to the encrypted alarm topic (a key of its own) and subscribes the alert address', () => {
    const [topic] = of(synth, 'AWS::SNS::Topic');
    const keyRef = (topic?.Properties?.KmsMasterKeyId ?? {}) as { 'Fn::GetAtt'?: string[] };
    const keyId = keyRef['Fn::GetAtt']?.[0] ?? '';
    expect(keyId).toMatch(/^MonitoringAlarmTopicKey/);
    const key = synth.template.toJSON().Resources[keyId] as {
      Properties: { KeyPolicy: { Statement: Record<string, unknown>[] } };
    };
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^MonitoringAlarms') },
    });
  });

  it('fails cfn-lint with no error but those a newer CloudFormation schema makes obsolete', (context) => {
    if (!cfnLintAvailable()) {
      context.skip();
      return;
    }
    const template = synth.template.toJSON() as { Resources: Record<string, { Type: string }> };
    expect(unexpectedErrors(cfnLint(template), template.Resources)).toEqual([]);
  });

  it('runs four Node.js 22 arm64 functions (API, cache invalidation, outbox relay, housekeeping) with active tracing in the private subnets, on DynamoDB and EventBridge, the API on Redis', () => {
    const functions = of(synth, 'AWS::Lambda::Function').filter(
      (f) => f.Properties?.Handler === 'index.handler' && f.Properties?.VpcConfig !== undefined,
    );
    expect(functions).toHaveLength(4);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        VpcConfig: { SubnetIds: expect.any(Array) },
        Environment: {
          Variables: expect.objectContaining({ STORE: 'dynamodb', EVENT_BUS: 'eventbridge' }),
        },
      });
    }
    const api = functions.find((f) => f.id.startsWith('ApiFunction'));
    expect(api?.Properties?.Environment).toMatchObject({
      Variables: expect.objectContaining({
        CACHE: 'redis',
        RATE_LIMITER: 'redis',
        REDIS_AUTH_SECRET_ARN: expect.anything(),
      }),
    });
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

  it('alarms on p99 > 500 ms and 5xx rate > 0.1% only in minutes of at least the minimum request count, throttles and any dead letter', () => {
    const busy = `IF(FILL(requests, 0) >= ${ALARM_THRESHOLDS.minRequestsPerMinute}, `;
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: ALARM_THRESHOLDS.p99LatencyMs,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: `${busy}p99, 0)` }),
        Match.objectLike({ Id: 'requests', MetricStat: Match.objectLike({ Stat: 'Sum' }) }),
        Match.objectLike({
          Id: 'p99',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Latency' }), Stat: 'p99' }),
        }),
      ]),
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: ALARM_THRESHOLDS.serverErrorRatePercent,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: `${busy}100 * FILL(errors, 0) / requests, 0)` }),
      ]),
    });
    expect(ALARM_THRESHOLDS.minRequestsPerMinute).toBe(100);
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
    expect(
      alarms.every((alarm) => JSON.stringify(alarm.Properties?.AlarmActions).includes('MonitoringAlarms')),
    ).toBe(true);
    expect({ p99: 500, rate: 0.1 }).toEqual({
      p99: ALARM_THRESHOLDS.p99LatencyMs,
      rate: ALARM_THRESHOLDS.serverErrorRatePercent,
    });
  });

  it('alarms on the new version’s own errors, stream iterator age, queue age and every Redis node’s CPU, memory and evictions', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Threshold: 0,
      Dimensions: Match.arrayWith([
        {
          Name: 'ExecutedVersion',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiFunctionCurrentVersion'), 'Version'] },
        },
        {
          Name: 'Resource',
          Value: Match.objectLike({
            'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^ApiFunction') }, ':live']],
          }),
        },
      ]),
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: ALARM_THRESHOLDS.streamIteratorAgeMs,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^OutboxRelayFunction') } }],
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: ALARM_THRESHOLDS.queueAgeSeconds,
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsInvalidationQueue'), 'QueueName'] },
        },
      ],
    });
    const deadLetterAge = of(synth, 'AWS::CloudWatch::Alarm').filter(
      (a) =>
        a.Properties?.MetricName === 'ApproximateAgeOfOldestMessage' &&
        a.Properties?.Threshold === 7 * 86_400,
    );
    // The three platform dead-letter queues and the two of webhook delivery.
    expect(deadLetterAge).toHaveLength(5);
    const retention = of(synth, 'AWS::SQS::Queue').filter(
      (q) => q.Properties?.MessageRetentionPeriod === 14 * 86_400,
    );
    expect(retention).toHaveLength(5);
    expect(ALARM_THRESHOLDS.deadLetterAgeDays).toBeLessThan(14);
    const [group] = of(synth, 'AWS::ElastiCache::ReplicationGroup');
    const nodes = Number(group?.Properties?.NumCacheClusters);
    for (const [metricName, threshold] of [
      ['EngineCPUUtilization', ALARM_THRESHOLDS.cacheEngineCpuPercent],
      ['DatabaseMemoryUsagePercentage', ALARM_THRESHOLDS.cacheMemoryPercent],
      ['Evictions', ALARM_THRESHOLDS.cacheEvictionsPerMinute],
    ] as const) {
      const alarm = of(synth, 'AWS::CloudWatch::Alarm').find((a) =>
        JSON.stringify(a.Properties).includes(`"MetricName":"${metricName}"`),
      );
      expect(alarm?.Properties?.Threshold, metricName).toBe(threshold);
      const metrics = alarm?.Properties?.Metrics as { Expression?: string; MetricStat?: unknown }[];
      expect(metrics.filter((m) => m.MetricStat !== undefined)).toHaveLength(nodes);
      expect(metrics.find((m) => m.Expression)?.Expression).toMatch(/^MAX\(\[/);
      for (let n = 1; n <= nodes; n++) expect(JSON.stringify(metrics)).toContain(`-00${n}`);
    }
  });

  it('budgets the month for this stage only (Project and Stage tags together) with the alert threshold given as a prop', () => {
    synth.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: 200, Unit: 'USD' },
        CostFilters: Match.absent(),
        FilterExpression: {
          And: [
            { Tags: { Key: 'Project', Values: ['travel-platform'], MatchOptions: ['EQUALS'] } },
            { Tags: { Key: 'Stage', Values: [stage], MatchOptions: ['EQUALS'] } },
          ],
        },
      },
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

  it('shifts API traffic through CodeDeploy after a /health/ready check of the new version, with rollback on the 5xx, p99 and new-version error alarms', () => {
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
          { Name: { Ref: Match.stringLikeRegexp('^MonitoringNewVersionErrors') } },
        ],
      },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
      },
    });
    synth.template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
    synth.template.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: Match.objectLike({
          BeforeAllowTrafficHook: { Ref: Match.stringLikeRegexp('^PreTrafficCheckHook') },
        }),
      },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^MonitoringNewVersionErrors')]),
    });
    // The hook runs outside the VPC (it calls only the Lambda and CodeDeploy APIs) and may invoke
    // exactly the version being deployed.
    const [hook] = of(synth, 'AWS::Lambda::Function').filter((f) => f.id.startsWith('PreTrafficCheckHook'));
    expect(hook?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Environment: {
        Variables: { NEW_VERSION_ARN: { Ref: expect.stringMatching(/^ApiFunctionCurrentVersion/) } },
      },
    });
    expect(hook?.Properties?.VpcConfig).toBeUndefined();
    const hookPolicy = of(synth, 'AWS::IAM::Policy').find((p) => p.id.startsWith('PreTrafficCheckHook'));
    expect(JSON.stringify(hookPolicy?.Properties)).toMatch(
      /"Action":"lambda:InvokeFunction","Effect":"Allow","Resource":\{"Ref":"ApiFunctionCurrentVersion/,
    );
    expect(JSON.stringify(of(synth, 'AWS::IAM::Policy'))).toContain(
      'codedeploy:PutLifecycleEventHookExecutionStatus',
    );
    synth.template.hasResourceProperties('AWS::Lambda::Alias', {
      ProvisionedConcurrencyConfig: Match.absent(),
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
    const props = stackPropsFromContext(
      context({ stage: 'prod', environmentSuffix: 'pr42', alertEmail: 'oncall@example.org' }),
      {
        CDK_DEFAULT_REGION: 'eu-central-1',
        CDK_DEFAULT_ACCOUNT: '111122223333',
      },
    );
    expect(props).toMatchObject({
      stage: 'prod',
      environmentSuffix: 'pr42',
      env: { region: 'eu-central-1', account: '111122223333' },
    });
    expect(() => stackPropsFromContext(context({ stage: 'qa' }), {})).toThrow(
      '-c stage=qa is invalid: expected one of dev, staging, prod',
    );
  });

  it('requires alertEmail for staging and prod, with no placeholder address, and checks the other options in one line each', () => {
    const context = (values: Record<string, string>) => (key: string) => values[key];
    for (const stage of ['staging', 'prod'])
      expect(() => stackPropsFromContext(context({ stage }), {})).toThrow(
        `-c alertEmail is required for stage ${stage}: the address that receives alarm and budget notifications`,
      );
    expect(stackPropsFromContext(context({ stage: 'dev' }), {}).alertEmail).toBeUndefined();
    expect(() => stackPropsFromContext(context({ alertEmail: 'ops' }), {})).toThrow(
      '-c alertEmail=ops is invalid: expected an email address',
    );
    expect(() =>
      stackPropsFromContext(context({ stage: 'prod', alertEmail: 'a@b.org', waf: 'off' }), {}),
    ).toThrow('-c waf=off is invalid for stage prod: the web firewall may be left out in dev only');
    expect(() => stackPropsFromContext(context({ domainName: 'api.example.org' }), {})).toThrow(
      '-c domainName and -c certificateArn go together',
    );
    const dev = stackPropsFromContext(context({ stage: 'dev' }), {});
    expect(dev.webFirewall).toEqual({ rateLimitPerWindow: DEFAULT_WAF_RATE_LIMIT });
    expect(DEFAULT_WAF_RATE_LIMIT).toBe(PLANS.partner.rateLimit * WAF_RATE_WINDOW_SECONDS);
    expect(stackPropsFromContext(context({ waf: 'off' }), {}).webFirewall).toBeUndefined();
    expect(() => stackPropsFromContext(context({ provisionedConcurrency: '2.5' }), {})).toThrow(
      '-c provisionedConcurrency=2.5 is invalid: expected a whole number',
    );
    const props = {
      environmentSuffix: 'x',
      bundles: BUNDLES,
      monthlyBudgetUsd: 1,
      budgetAlertThresholdPercent: 80,
    };
    expect(
      () =>
        new TapStack(new App(), 'NoEmail', {
          ...props,
          stage: 'prod',
          webFirewall: { rateLimitPerWindow: 1000 },
        }),
    ).toThrow('TapStack prod: alertEmail is required');
    expect(
      () => new TapStack(new App(), 'NoWaf', { ...props, stage: 'staging', alertEmail: 'a@b.org' }),
    ).toThrow('TapStack staging: webFirewall is required');
    expect(
      stackPropsFromContext(
        context({
          corsOrigins: '*',
          provisionedConcurrency: '5',
          domainName: 'api.example.org',
          certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
        }),
        {},
      ),
    ).toMatchObject({
      corsOrigins: '*',
      provisionedConcurrency: 5,
      customDomain: {
        domainName: 'api.example.org',
        certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
      },
    });
  });

  it('can leave WAF out in dev (acknowledged to cdk-nag) and then subscribes no one without an alert address', async () => {
    const { template, stack } = await synthTapStack('dev', { webFirewall: undefined, alertEmail: undefined });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(acknowledged.some((id) => id.endsWith('AwsSolutions-APIG3'))).toBe(true);
  }, 180_000);

  it('serves a custom domain at the root path, keeps provisioned concurrency on live, and lets browsers read gateway errors when every origin is allowed', async () => {
    const { template } = await synthTapStack('prod', {
      customDomain: {
        domainName: 'api.example.org',
        certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
      },
      provisionedConcurrency: 4,
      corsOrigins: '*',
    });
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.example.org',
      RegionalCertificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { BasePath: Match.absent() });
    template.hasOutput('ApiUrl', { Value: 'https://api.example.org/' });
    template.hasOutput('ApiDomainTarget', {});
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 4 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CORS_ORIGINS: '*' }) },
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" }),
    });
  }, 180_000);
});
