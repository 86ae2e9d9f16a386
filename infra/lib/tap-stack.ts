import { CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { OUTBOX_PARTITION } from '../../src/lambda/outbox-stream-records.js';
import { CostBudget } from './budget.js';
import { Cache } from './cache.js';
import { Data, type ProvisionedCapacity } from './data.js';
import { EventRouting } from './events.js';
import { Housekeeping } from './housekeeping.js';
import {
  assertEgress,
  type IdentityAndEgress,
  identityEnvironment,
  portOf,
  validateIdentityAndEgress,
} from './identity-and-egress.js';
import { Monitoring } from './monitoring.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { Network } from './network.js';
import { PlatformFunction } from './platform-function.js';
import { PreTrafficCheck } from './pre-traffic-check.js';
import { PlatformRestApi } from './rest-api.js';
import { STAGE_SETTINGS, type Stage } from './stage.js';
import { grantTableAccess, TABLE_ACCESS } from './table-access.js';
import { WebFirewall } from './web-firewall.js';
import { WebhookDelivery } from './webhooks.js';

/** Tags on every resource of the stack (and `Stage`, which the budget filters on). */
export const STACK_TAGS = { Project: 'travel-platform', 'iac-rlhf-amazon': 'true' } as const;

export interface TapStackProps extends StackProps, IdentityAndEgress {
  stage: Stage;
  /** Suffix of every physical name (table TravelData<suffix>, bus, API, dashboard), e.g. "dev" or "pr123". */
  environmentSuffix: string;
  /** Folders of the function bundles (dist-lambda/<name>). */
  bundles: {
    api: string;
    cacheInvalidation: string;
    outboxRelay: string;
    preTrafficHook: string;
    housekeeping: string;
    webhooks: string;
  };
  /** Who receives alarm and budget notifications; required for staging and prod (context.ts). */
  alertEmail?: string;
  /** CORS_ORIGINS of the API function: empty for none, `*` for any, or a comma-separated list. */
  corsOrigins?: string;
  /** AWS WAF on the API stage; absent (dev only): no web ACL. */
  webFirewall?: { rateLimitPerWindow: number };
  /** Provisioned concurrency of the API's `live` alias; absent: none (on-demand cold starts). */
  provisionedConcurrency?: number;
  /** A custom domain for the API, mapped at its root. */
  customDomain?: { domainName: string; certificateArn: string };
  /** Monthly cost budget, USD. */
  monthlyBudgetUsd: number;
  /** Percent of the budget at which actual spend alerts. */
  budgetAlertThresholdPercent: number;
  /** Provisioned DynamoDB capacity with autoscaling instead of on-demand. */
  provisionedCapacity?: ProvisionedCapacity;
}

/**
 * travel-platform on AWS: API Gateway (REST) → the API function (the same Fastify app as the
 * self-hosted server), DynamoDB, ElastiCache Redis, EventBridge with SQS dead-letter queues,
 * CloudWatch dashboard and alarms, X-Ray, KMS, a NAT-less VPC, AWS WAF, a cost budget per stage, and
 * CodeDeploy shifting traffic between API versions after a readiness check of the new version, with
 * rollback on the 5xx, p99 and new-version error alarms.
 */
export class TapStack extends Stack {
  constructor(scope: Construct, id: string, props: TapStackProps) {
    super(scope, id, props);
    // The same rules as the context options, for stacks built in code.
    if (props.stage !== 'dev' && !props.alertEmail)
      throw new Error(
        `TapStack ${props.stage}: alertEmail is required (alarms and budget alerts must reach someone)`,
      );
    if (props.stage !== 'dev' && !props.webFirewall)
      throw new Error(`TapStack ${props.stage}: webFirewall is required (it may be left out in dev only)`);
    // Before any resource: a setting the app would reject, or one needing egress the VPC lacks, stops synthesis.
    validateIdentityAndEgress(props);
    assertEgress(props);
    const settings = STAGE_SETTINGS[props.stage];
    const suffix = props.environmentSuffix;
    const removalPolicy = settings.dataRemoval;
    for (const [key, value] of Object.entries(STACK_TAGS)) Tags.of(this).add(key, value);
    Tags.of(this).add('Stage', props.stage);

    const network = new Network(this, 'Network', {
      maxAzs: settings.maxAzs,
      ...(props.natGateways ? { natGateways: props.natGateways } : {}),
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

    // What every function reads: the table and the bus. Each function gets only the settings it uses.
    const storeAndBus: Record<string, string> = {
      STORE: 'dynamodb',
      DYNAMODB_TABLE: data.table.tableName,
      DYNAMODB_CREATE_TABLE: 'false',
      EVENT_BUS: 'eventbridge',
      EVENT_BUS_NAME: routing.bus.eventBusName,
      POWERTOOLS_SERVICE_NAME: 'travel-platform',
      POWERTOOLS_METRICS_NAMESPACE: 'TravelPlatform',
    };
    const cacheEnvironment: Record<string, string> = {
      CACHE: 'redis',
      // A frozen sandbox cannot hear invalidations on the bus: every cache read goes to Redis.
      CACHE_LOCAL_TIER: 'off',
      REDIS_URL: cache.url,
      REDIS_AUTH_SECRET_ARN: cache.authToken.secretArn,
      CACHE_KEY_PREFIX: `travel-platform-${suffix}`,
    };
    // The app's own budget watch (budget.threshold-crossed) runs in housekeeping, on the stack's budget.
    // Not in the API function: a dashboard view would announce a crossed threshold itself, and that
    // function may not put events.
    const budgetEnvironment = { COST_MONTHLY_BUDGET_USD: String(props.monthlyBudgetUsd) };
    const environment: Record<string, string> = {
      ...storeAndBus,
      ...cacheEnvironment,
      // The emptiness check behind seeding scans the table: inventory is loaded once with `travel-platform seed`.
      SEED_ON_START: 'false',
      // A sandbox is frozen between invocations, so work after the response (refresh-ahead, recomputing
      // invalidated searches, prewarming) would run late or never; Lambdas serve and invalidate only.
      CACHE_WARM_MIN_REQUESTS: '0',
      PREWARM_SEARCHES: '0',
      RATE_LIMITER: 'redis',
      ...identityEnvironment(props),
    };
    const common = {
      vpc: network.vpc,
      subnets: network.functionSubnets,
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
      environment: {
        ...environment,
        ADMIN_API_KEY_SECRET_ARN: adminKey.secretArn,
        ...(props.corsOrigins ? { CORS_ORIGINS: props.corsOrigins } : {}),
      },
    }).function;
    const invalidation = new PlatformFunction(this, 'CacheInvalidationFunction', {
      ...common,
      code: props.bundles.cacheInvalidation,
      description: 'travel-platform cache invalidation (EventBridge → SQS consumer)',
      memoryMb: 512,
      timeout: consumerTimeout,
      environment: { ...storeAndBus, ...cacheEnvironment },
    }).function;
    const relay = new PlatformFunction(this, 'OutboxRelayFunction', {
      ...common,
      code: props.bundles.outboxRelay,
      description: 'travel-platform outbox relay (DynamoDB stream → EventBridge)',
      memoryMb: 512,
      timeout: Duration.seconds(60),
      environment: storeAndBus,
    }).function;

    // Webhooks: store and bus only, outside the VPC (infra/lib/webhooks.ts says why).
    const webhooks = new WebhookDelivery(this, 'Webhooks', {
      code: props.bundles.webhooks,
      environment: storeAndBus,
      bus: routing.bus,
      table: data.table,
      key: data.key,
      logRetentionDays: settings.logRetentionDays,
      removalPolicy,
    });

    // Least privilege through grants: each function gets exactly the data and secrets it touches. Only
    // the API function, which holds the admin secret, writes any item; the others write only their own
    // partitions (table-access.ts), so none of them can write an API key.
    data.table.grantReadWriteData(api);
    grantTableAccess(data.table, data.key, invalidation, TABLE_ACCESS.cacheInvalidation);
    grantTableAccess(data.table, data.key, relay, TABLE_ACCESS.outboxRelay);
    for (const fn of [api, invalidation]) cache.authToken.grantRead(fn);
    adminKey.grantRead(api);
    if (props.duffelTokenSecretArn)
      secretsmanager.Secret.fromSecretCompleteArn(this, 'DuffelToken', props.duffelTokenSecretArn).grantRead(
        api,
      );
    // Outside services on another port than 443 (an OTLP collector on 4318, say) need their own rule.
    for (const url of [props.otlpEndpoint, props.supplierHttpUrl]) {
      const port = url ? portOf(url) : 443;
      if (port !== 443)
        network.functionsSecurityGroup.addEgressRule(
          ec2.Peer.anyIpv4(),
          ec2.Port.tcp(port),
          `To ${new URL(url ?? '').host}`,
        );
    }
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
    const live = new lambda.Alias(this, 'ApiLive', {
      aliasName: 'live',
      version: api.currentVersion,
      ...(props.provisionedConcurrency
        ? { provisionedConcurrentExecutions: props.provisionedConcurrency }
        : {}),
    });
    const restApi = new PlatformRestApi(this, 'RestApi', {
      stageName: props.stage,
      environmentSuffix: suffix,
      handler: live,
      logRetentionDays: settings.logRetentionDays,
      removalPolicy,
      corsOrigins: props.corsOrigins ?? '',
      ...(props.customDomain ? { customDomain: props.customDomain } : {}),
    });
    if (props.webFirewall)
      new WebFirewall(this, 'WebFirewall', {
        stage: restApi.api.deploymentStage,
        rateLimitPerWindow: props.webFirewall.rateLimitPerWindow,
        metricPrefix: `travel-platform-${suffix}`,
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
      workQueues: [{ name: 'cache-invalidation', queue: routing.invalidationQueue }],
      streamConsumer: relay,
      live: { alias: live, functionName: api.functionName, version: api.currentVersion },
      cacheNodeIds: cache.nodeIds,
      ...(props.alertEmail ? { alertEmail: props.alertEmail } : {}),
      removalPolicy,
    });
    // The alarm watching the new version is updated before the alias starts moving to it.
    live.node.addDependency(monitoring.newVersionErrorsAlarm);
    const preTraffic = new PreTrafficCheck(this, 'PreTrafficCheck', {
      logRetentionDays: settings.logRetentionDays,
      removalPolicy,
      code: props.bundles.preTrafficHook,
      version: api.currentVersion,
    });
    const housekeeping = new Housekeeping(this, 'Housekeeping', {
      ...common,
      code: props.bundles.housekeeping,
      environment: { ...storeAndBus, ...budgetEnvironment },
      table: data.table,
      key: data.key,
      bus: routing.bus,
      alarmTopic: monitoring.topic,
    });
    const deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'ApiDeployment', {
      alias: live,
      deploymentConfig: {
        'all-at-once': codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
        linear: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
        canary: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      }[settings.trafficShifting],
      alarms: [monitoring.serverErrorRateAlarm, monitoring.p99LatencyAlarm, monitoring.newVersionErrorsAlarm],
      preHook: preTraffic.function,
      autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
    });
    new CostBudget(this, 'Budget', {
      environmentSuffix: suffix,
      monthlyLimitUsd: props.monthlyBudgetUsd,
      alertThresholdPercent: props.budgetAlertThresholdPercent,
      stage: props.stage,
      ...(props.alertEmail ? { alertEmail: props.alertEmail } : {}),
    });

    new CfnOutput(this, 'ApiUrl', {
      value: props.customDomain ? `https://${props.customDomain.domainName}/` : restApi.api.url,
    });
    if (restApi.domain)
      new CfnOutput(this, 'ApiDomainTarget', {
        description: 'Point the custom domain here (CNAME, or a Route 53 alias with ApiDomainHostedZoneId)',
        value: restApi.domain.domainNameAliasDomainName,
      });
    if (restApi.domain)
      new CfnOutput(this, 'ApiDomainHostedZoneId', { value: restApi.domain.domainNameAliasHostedZoneId });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: routing.bus.eventBusName });
    new CfnOutput(this, 'AdminApiKeySecretArn', { value: adminKey.secretArn });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
    acknowledgeNagFindings({
      stack: this,
      table: data.table,
      functions: [api, invalidation, relay, housekeeping.function, preTraffic.function, webhooks.function],
      restApi: restApi.api,
      webFirewall: props.webFirewall !== undefined,
      secrets: [cache.authToken, adminKey],
      destinationDeadLetters: routing.deadLetterQueues
        .filter(({ queue }) => queue !== routing.invalidationDeadLetters)
        .map(({ queue }) => queue)
        .concat(webhooks.ruleDeadLetters),
      deploymentGroup,
      preTrafficHook: preTraffic.function,
    });
  }
}
