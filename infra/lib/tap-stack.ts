import { CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { OUTBOX_PARTITION } from '../../src/lambda/outbox-stream-records.js';
import { CostBudget } from './budget.js';
import { Cache } from './cache.js';
import { Data, type ProvisionedCapacity } from './data.js';
import { EventRouting } from './events.js';
import { Monitoring } from './monitoring.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { Network } from './network.js';
import { PlatformFunction } from './platform-function.js';
import { PlatformRestApi } from './rest-api.js';
import { STAGE_SETTINGS, type Stage } from './stage.js';
import { WebhookDelivery } from './webhooks.js';

/** Tags on every resource of the stack. */
export const STACK_TAGS = { Project: 'travel-platform', 'iac-rlhf-amazon': 'true' } as const;

export interface TapStackProps extends StackProps {
  stage: Stage;
  /** Suffix of every physical name (table TravelData<suffix>, bus, API, dashboard), e.g. "dev" or "pr123". */
  environmentSuffix: string;
  /** Folders of the three function bundles (dist-lambda/<name>). */
  bundles: { api: string; cacheInvalidation: string; outboxRelay: string; webhooks: string };
  /** Who receives alarm and budget notifications. */
  alertEmail: string;
  /** Monthly cost budget, USD. */
  monthlyBudgetUsd: number;
  /** Percent of the budget at which actual spend alerts. */
  budgetAlertThresholdPercent: number;
  /** Provisioned DynamoDB capacity with autoscaling instead of on-demand. */
  provisionedCapacity?: ProvisionedCapacity;
  /** JWKS URL of the identity provider verifying booking bearer tokens; absent: the built-in issuer. */
  jwksUrl?: string;
}

/**
 * travel-platform on AWS: API Gateway (REST) → the API function (the same Fastify app as the
 * self-hosted server), DynamoDB, ElastiCache Redis, EventBridge with SQS dead-letter queues,
 * CloudWatch dashboard and alarms, X-Ray, KMS, a NAT-less VPC, a cost budget, and CodeDeploy shifting
 * traffic between API versions with rollback on the 5xx and p99 alarms.
 */
export class TapStack extends Stack {
  constructor(scope: Construct, id: string, props: TapStackProps) {
    super(scope, id, props);
    const settings = STAGE_SETTINGS[props.stage];
    const suffix = props.environmentSuffix;
    const removalPolicy = settings.dataRemoval;
    for (const [key, value] of Object.entries(STACK_TAGS)) Tags.of(this).add(key, value);
    Tags.of(this).add('Stage', props.stage);

    const network = new Network(this, 'Network', {
      maxAzs: settings.maxAzs,
      logRetentionDays: settings.logRetentionDays,
      removalPolicy,
    });
    const data = new Data(this, 'Data', {
      environmentSuffix: suffix,
      removalPolicy,
      ...(props.provisionedCapacity ? { provisioned: props.provisionedCapacity } : {}),
    });
    const cache = new Cache(this, 'Cache', {
      vpc: network.vpc,
      clients: network.functionsSecurityGroup,
      key: data.key,
      nodeType: settings.cacheNodeType,
      nodes: settings.cacheNodes,
      snapshotRetentionDays: settings.cacheSnapshotDays,
      removalPolicy,
    });
    const adminKey = new secretsmanager.Secret(this, 'AdminApiKey', {
      description: 'travel-platform ADMIN_API_KEY',
      encryptionKey: data.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    const consumerTimeout = Duration.seconds(30);
    const routing = new EventRouting(this, 'Events', {
      environmentSuffix: suffix,
      removalPolicy,
      consumerTimeout,
    });

    const environment: Record<string, string> = {
      STORE: 'dynamodb',
      DYNAMODB_TABLE: data.table.tableName,
      DYNAMODB_CREATE_TABLE: 'false',
      // The emptiness check behind seeding scans the table: inventory is loaded once with `travel-platform seed`.
      SEED_ON_START: 'false',
      // A sandbox is frozen between invocations, so work after the response (refresh-ahead, recomputing
      // invalidated searches, prewarming) would run late or never; Lambdas serve and invalidate only.
      CACHE_WARM_MIN_REQUESTS: '0',
      PREWARM_SEARCHES: '0',
      CACHE: 'redis',
      // A frozen sandbox cannot hear invalidations on the bus: every cache read goes to Redis.
      CACHE_LOCAL_TIER: 'off',
      REDIS_URL: cache.url,
      REDIS_AUTH_SECRET_ARN: cache.authToken.secretArn,
      RATE_LIMITER: 'redis',
      EVENT_BUS: 'eventbridge',
      EVENT_BUS_NAME: routing.bus.eventBusName,
      CACHE_KEY_PREFIX: `travel-platform-${suffix}`,
      ...(props.jwksUrl ? { JWT_JWKS_URL: props.jwksUrl } : {}),
      POWERTOOLS_SERVICE_NAME: 'travel-platform',
      POWERTOOLS_METRICS_NAMESPACE: 'TravelPlatform',
    };
    const common = {
      vpc: network.vpc,
      securityGroup: network.functionsSecurityGroup,
      logRetentionDays: settings.logRetentionDays,
      removalPolicy,
    };
    const api = new PlatformFunction(this, 'ApiFunction', {
      ...common,
      code: props.bundles.api,
      description: 'travel-platform API (Fastify through @fastify/aws-lambda)',
      memoryMb: settings.apiMemoryMb,
      timeout: Duration.seconds(29),
      environment: { ...environment, ADMIN_API_KEY_SECRET_ARN: adminKey.secretArn },
    }).function;
    const invalidation = new PlatformFunction(this, 'CacheInvalidationFunction', {
      ...common,
      code: props.bundles.cacheInvalidation,
      description: 'travel-platform cache invalidation (EventBridge → SQS consumer)',
      memoryMb: 512,
      timeout: consumerTimeout,
      environment,
    }).function;
    const relay = new PlatformFunction(this, 'OutboxRelayFunction', {
      ...common,
      code: props.bundles.outboxRelay,
      description: 'travel-platform outbox relay (DynamoDB stream → EventBridge)',
      memoryMb: 512,
      timeout: Duration.seconds(60),
      environment,
    }).function;

    const webhooks = new WebhookDelivery(this, 'Webhooks', {
      ...common,
      code: props.bundles.webhooks,
      environment,
      bus: routing.bus,
      table: data.table,
      cacheAuthToken: cache.authToken,
    });

    // Least privilege through grants: each function gets exactly the data and secrets it touches.
    data.table.grantReadWriteData(api);
    data.table.grantReadWriteData(invalidation);
    data.table.grantReadWriteData(relay);
    for (const fn of [api, invalidation, relay]) cache.authToken.grantRead(fn);
    adminKey.grantRead(api);
    routing.bus.grantPutEventsTo(relay);

    invalidation.addEventSource(
      new sources.SqsEventSource(routing.invalidationQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    relay.addEventSource(
      new sources.DynamoEventSource(data.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        onFailure: new sources.SqsDlq(routing.streamDeadLetters),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: {
              NewImage: {
                [OUTBOX_PARTITION.attribute]: { S: lambda.FilterRule.isEqual(OUTBOX_PARTITION.value) },
              },
            },
          }),
        ],
      }),
    );

    // Each deployment publishes a version; the alias moves to it under CodeDeploy's control.
    const live = new lambda.Alias(this, 'ApiLive', { aliasName: 'live', version: api.currentVersion });
    const restApi = new PlatformRestApi(this, 'RestApi', {
      stageName: props.stage,
      environmentSuffix: suffix,
      handler: live,
      logRetentionDays: settings.logRetentionDays,
      removalPolicy,
    });

    const monitoring = new Monitoring(this, 'Monitoring', {
      environmentSuffix: suffix,
      api: restApi.api,
      functions: [
        { name: 'api', fn: api },
        { name: 'cache-invalidation', fn: invalidation },
        { name: 'outbox-relay', fn: relay },
        { name: 'webhooks', fn: webhooks.function },
      ],
      table: data.table,
      deadLetterQueues: [...routing.deadLetterQueues, ...webhooks.deadLetterQueues],
      key: data.key,
      alertEmail: props.alertEmail,
    });
    const deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'ApiDeployment', {
      alias: live,
      deploymentConfig: {
        'all-at-once': codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
        linear: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
        canary: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      }[settings.trafficShifting],
      alarms: [monitoring.serverErrorRateAlarm, monitoring.p99LatencyAlarm],
      autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
    });
    new CostBudget(this, 'Budget', {
      environmentSuffix: suffix,
      monthlyLimitUsd: props.monthlyBudgetUsd,
      alertThresholdPercent: props.budgetAlertThresholdPercent,
      alertEmail: props.alertEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: restApi.api.url });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: routing.bus.eventBusName });
    new CfnOutput(this, 'AdminApiKeySecretArn', { value: adminKey.secretArn });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
    acknowledgeNagFindings({
      stack: this,
      table: data.table,
      functions: [api, invalidation, relay, webhooks.function],
      restApi: restApi.api,
      secrets: [cache.authToken, adminKey],
      destinationDeadLetters: routing.deadLetterQueues
        .filter(({ queue }) => queue !== routing.invalidationDeadLetters)
        .map(({ queue }) => queue)
        .concat(webhooks.ruleDeadLetters),
      deploymentGroup,
    });
  }
}
