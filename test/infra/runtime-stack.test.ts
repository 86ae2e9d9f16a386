/**
 * The TapStack's runtime side (issue 21, points 3–6): consumers that cannot write an API key,
 * scheduled housekeeping, TTL on the table, and identity and egress settings that either reach the
 * API function or stop synthesis with a message naming them.
 */
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLES, stackPropsFromContext } from '../../infra/lib/context.js';
import { HOUSEKEEPING_RATE } from '../../infra/lib/housekeeping.js';
import { egressNeeds } from '../../infra/lib/identity-and-egress.js';
import { TABLE_DESIGN } from '../../infra/lib/table-design.js';
import { TapStack, type TapStackProps } from '../../infra/lib/tap-stack.js';
import { keys, TTL } from '../../src/adapters/store/dynamodb/keys.js';
import { type SynthesizedStack, synthTapStack } from '../helpers/tap-stack.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
};

const resourcesOf = (synth: SynthesizedStack, type: string) =>
  Object.entries(synth.template.findResources(type) as Record<string, Resource>).map(([id, r]) => ({
    id,
    ...r,
  }));

/** An IAM string pattern (`*` and `?` wildcards) as a regular expression. */
const patternRegExp = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/** Item-writing DynamoDB actions a statement allows (wildcards included). */
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const writesOf = (statement: Statement): string[] =>
  [statement.Action].flat().filter((action) => WRITES.some((write) => patternRegExp(action).test(write)));

/** The statements of every policy attached to the role `roleId`. */
function statementsOfRole(synth: SynthesizedStack, roleId: string): Statement[] {
  return resourcesOf(synth, 'AWS::IAM::Policy')
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Partition keys (patterns) a statement lets its writes touch; ['*'] without a LeadingKeys condition. */
function writablePartitions(statement: Statement): string[] {
  for (const [operator, condition] of Object.entries(statement.Condition ?? {})) {
    if (!operator.startsWith('ForAllValues:')) continue;
    const leading = condition['dynamodb:LeadingKeys'];
    if (leading !== undefined) return [leading].flat();
  }
  return ['*'];
}

/** The Lambda functions of the stack (not CDK's own helper functions) with their role's logical id. */
function platformFunctions(synth: SynthesizedStack) {
  return resourcesOf(synth, 'AWS::Lambda::Function')
    .filter((fn) => fn.Properties?.Handler === 'index.handler')
    .map((fn) => ({
      id: fn.id,
      roleId: (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
      env: (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    }));
}

const baseProps = (overrides: Partial<TapStackProps> = {}): TapStackProps => ({
  stage: 'dev',
  environmentSuffix: 'dev',
  bundles: BUNDLES,
  alertEmail: 'ops@example.com',
  monthlyBudgetUsd: 200,
  budgetAlertThresholdPercent: 75,
  ...overrides,
});

/** What constructing the stack throws (the checks run before any resource or asset is made). */
const synthesisError = (overrides: Partial<TapStackProps>): string => {
  try {
    new TapStack(new App(), 'TapStackEgress', baseProps(overrides));
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('TapStack runtime (dev)', () => {
  let synth: SynthesizedStack;

  beforeAll(async () => {
    synth = await synthTapStack('dev');
  }, 180_000);

  it('lets no function without the admin secret write an API key, and only the API function has the secret', () => {
    const functions = platformFunctions(synth);
    const withSecret = functions.filter((fn) => fn.env.ADMIN_API_KEY_SECRET_ARN !== undefined);
    expect(withSecret.map((fn) => fn.id)).toEqual([expect.stringMatching(/^ApiFunction/)]);
    const apiKeyPartitions = [keys.apiKeysPartition, keys.usagePartition('k-1')];
    const others = functions.filter((fn) => fn.env.ADMIN_API_KEY_SECRET_ARN === undefined);
    // The relay, the invalidation, housekeeping, webhooks and the pre-traffic hook.
    expect(others).toHaveLength(5);
    for (const fn of others) {
      const writes = statementsOfRole(synth, fn.roleId).filter(
        (statement) => statement.Effect === 'Allow' && writesOf(statement).length > 0,
      );
      for (const statement of writes) {
        const partitions = writablePartitions(statement);
        for (const partition of apiKeyPartitions)
          expect(
            partitions.some((pattern) => patternRegExp(pattern).test(partition)),
            `${fn.id} may write ${partition} (${partitions.join(', ')})`,
          ).toBe(false);
      }
    }
  });

  it('grants each consumer writes on its own partitions only', () => {
    const partitionsOf = (prefix: string) => {
      const fn = platformFunctions(synth).find((f) => f.id.startsWith(prefix))!;
      return statementsOfRole(synth, fn.roleId)
        .filter((statement) => writesOf(statement).length > 0)
        .flatMap(writablePartitions)
        .sort();
    };
    expect(partitionsOf('OutboxRelayFunction')).toEqual(
      [keys.outboxPartition, keys.publishedPartition].sort(),
    );
    expect(partitionsOf('CacheInvalidationFunction')).toEqual([keys.processedPartition]);
    expect(partitionsOf('HousekeepingFunction')).toEqual(
      [
        `${keys.analyticsPartitionPrefix}*`,
        keys.processedPartition,
        keys.publishedPartition,
        keys.settingsPartition,
      ].sort(),
    );
  });

  it('gives the relay no Redis and the consumers no admin or Redis secret they do not use', () => {
    const relay = platformFunctions(synth).find((f) => f.id.startsWith('OutboxRelayFunction'))!;
    expect(relay.env.REDIS_URL).toBeUndefined();
    expect(relay.env.REDIS_AUTH_SECRET_ARN).toBeUndefined();
    const policies = JSON.stringify(statementsOfRole(synth, relay.roleId));
    expect(policies).not.toContain('secretsmanager:GetSecretValue');
  });

  it('expires items through the TTL attribute the DynamoDB adapter writes', () => {
    expect(TABLE_DESIGN.ttlAttribute).toBe(TTL);
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: TTL, Enabled: true },
    });
  });

  it('runs housekeeping on an EventBridge Scheduler rate, with retries, the budget and a failure alarm', () => {
    const housekeeping = platformFunctions(synth).find((f) => f.id.startsWith('HousekeepingFunction'))!;
    expect(housekeeping.env).toMatchObject({ STORE: 'dynamodb', COST_MONTHLY_BUDGET_USD: '200' });
    // Only housekeeping announces the budget: the API function may not put events.
    const api = platformFunctions(synth).find((f) => f.id.startsWith('ApiFunction'))!;
    expect(api.env.COST_MONTHLY_BUDGET_USD).toBeUndefined();
    expect(HOUSEKEEPING_RATE.toMinutes()).toBe(10);
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [housekeeping.id, 'Arn'] },
        RoleArn: Match.anyValue(),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
      },
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: housekeeping.id } }],
      Threshold: 0,
      AlarmActions: [Match.anyValue()],
    });
  });

  it('has no NAT gateway unless asked for one', () => {
    synth.template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });
});

describe('TapStack identity and egress', () => {
  it('refuses a JWKS URL without egress, naming the setting and the way out', () => {
    const message = synthesisError({ jwksUrl: 'https://login.example.com/.well-known/jwks.json' });
    expect(message).toContain('need internet egress');
    expect(message).toContain('-c jwksUrl=https://login.example.com/.well-known/jwks.json');
    expect(message).toContain('-c natGateways=1');
  });

  it('refuses Duffel without its token secret, and without egress', () => {
    expect(synthesisError({ suppliers: 'inventory,duffel' })).toContain(
      '-c duffelTokenSecretArn is required',
    );
    const secret = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:duffel-AbCdEf';
    expect(synthesisError({ suppliers: 'inventory,duffel', duffelTokenSecretArn: secret })).toContain(
      '-c suppliers includes duffel',
    );
  });

  it('refuses an OTLP endpoint on the internet, accepts one in the sandbox or the VPC', () => {
    expect(synthesisError({ otlpEndpoint: 'https://otlp.example.com' })).toContain('-c otlpEndpoint=');
    expect(egressNeeds({ otlpEndpoint: 'http://localhost:4318' })).toEqual([]);
    expect(egressNeeds({ otlpEndpoint: 'http://10.0.3.7:4318' })).toEqual([]);
  });

  it('rejects a bad value with the application’s own validation', () => {
    expect(synthesisError({ jwksUrl: 'not a url' })).toContain(
      '-c jwksUrl: JWT_JWKS_URL="not a url" is invalid',
    );
    expect(synthesisError({ suppliers: 'inventory,amadeus' })).toContain(
      '-c suppliers: SUPPLIERS="inventory,amadeus" is invalid',
    );
  });

  it('with -c natGateways=1: NAT, functions in subnets with egress, and the token settings on the API function', async () => {
    const { template } = await synthTapStack('dev', {
      natGateways: 1,
      jwksUrl: 'https://login.example.com/.well-known/jwks.json',
      jwtIssuer: 'https://login.example.com/',
      jwtAudience: 'travel-api',
      otlpEndpoint: 'https://otlp.example.com:4318',
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          JWT_JWKS_URL: 'https://login.example.com/.well-known/jwks.json',
          JWT_ISSUER: 'https://login.example.com/',
          JWT_AUDIENCE: 'travel-api',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com:4318',
          ADMIN_API_KEY_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'travel-platform Lambda functions',
      SecurityGroupEgress: Match.arrayWith([Match.objectLike({ FromPort: 4318, ToPort: 4318 })]),
    });
    // Every function in the VPC runs in the subnets that route through the NAT gateway (the
    // pre-traffic hook and webhook delivery run outside it: the one only calls AWS APIs, the other
    // the clients' endpoints on the internet).
    const egressSubnets = Object.entries(template.findResources('AWS::EC2::Subnet'))
      .filter(([, subnet]) => JSON.stringify(subnet).includes('"Value":"egress"'))
      .map(([id]) => id);
    expect(egressSubnets.length).toBeGreaterThan(0);
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }),
    ) as Resource[];
    const inVpc = functions.filter((fn) => fn.Properties.VpcConfig !== undefined);
    expect(inVpc.length).toBe(functions.length - 2);
    for (const fn of inVpc) {
      const subnets = JSON.stringify((fn.Properties.VpcConfig as { SubnetIds: unknown }).SubnetIds);
      expect(egressSubnets.some((id) => subnets.includes(id))).toBe(true);
    }
  }, 180_000);

  it('reads the settings from context and rejects a bad natGateways in one line', () => {
    const context = (values: Record<string, string>) => (key: string) => values[key];
    expect(
      stackPropsFromContext(
        context({ jwtIssuer: 'https://id.example.com/', jwtAudience: 'travel', natGateways: '1' }),
        {},
      ),
    ).toMatchObject({ jwtIssuer: 'https://id.example.com/', jwtAudience: 'travel', natGateways: 1 });
    expect(() => stackPropsFromContext(context({ natGateways: '9' }), {})).toThrow(
      '-c natGateways=9 is invalid: expected 0 to 3',
    );
  });
});
