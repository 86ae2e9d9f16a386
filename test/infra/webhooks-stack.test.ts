import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_SOURCE_EVENT_TYPES } from '../../infra/lib/webhooks.js';
import { EVENTBRIDGE_SOURCE } from '../../src/adapters/events/eventbridge.js';
import { type SynthesizedStack, synthTapStack } from '../helpers/tap-stack.js';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

describe('TapStack webhook delivery (dev)', () => {
  let synth: SynthesizedStack;

  beforeAll(async () => {
    // Throws when cdk-nag reports a finding nobody acknowledged, the new resources included.
    synth = await synthTapStack('dev');
  }, 180_000);

  const deliveryFunctionId = () => {
    const functions = synth.template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('webhook delivery') },
    }) as Resources;
    const ids = Object.keys(functions);
    expect(ids).toHaveLength(1);
    return ids[0] as string;
  };

  it('routes booking and schedule events from the bus to the webhook queue, with a dead-letter queue on the rule', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [EVENTBRIDGE_SOURCE], 'detail-type': [...WEBHOOK_SOURCE_EVENT_TYPES] },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }) })],
    });
  });

  it('runs the delivery function from the queue (partial batch failures) and every minute', () => {
    const id = deliveryFunctionId();
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: id },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] } })],
    });
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('webhook delivery'),
      Environment: {
        Variables: Match.objectLike({
          STORE: 'dynamodb',
          NODE_ENV: 'production',
          WEBHOOK_TIMEOUT_MS: '10000',
        }),
      },
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('the webhook queue redrives to a dead-letter queue, and both dead-letter queues have depth alarms', () => {
    synth.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
      VisibilityTimeout: 360,
    });
    for (const name of ['webhook events consumer', 'webhook rule delivery'])
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: `Messages wait in the ${name} dead-letter queue`,
        Threshold: 0,
        AlarmActions: Match.anyValue(),
      });
  });

  it('the delivery function may read and write the table, and nothing publishes to the bus from it', () => {
    const id = deliveryFunctionId();
    const policies = synth.template.findResources('AWS::IAM::Policy') as Resources;
    const mine = Object.values(policies).filter((policy) =>
      JSON.stringify(policy.Properties?.Roles ?? []).includes(id.replace(/Function[0-9A-F]+$/, '')),
    );
    const statements = JSON.stringify(mine.map((policy) => policy.Properties?.PolicyDocument));
    expect(statements).toContain('dynamodb:PutItem');
    expect(statements).not.toContain('events:PutEvents');
  });
});
