/**
 * CodeDeploy's pre-traffic hook against the documented Lambda Invoke and CodeDeploy
 * PutLifecycleEventHookExecutionStatus shapes (neither service runs here: their clients are stubbed
 * at the SDK-command level). That the probe event itself gets 200 from a ready API version is
 * shown through the real handler in api-route-families.test.ts.
 */
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { checkNewVersion, handler, READINESS_PATH } from '../../src/lambda/pre-traffic-hook.js';

const lambda = mockClient(LambdaClient);
const codeDeploy = mockClient(CodeDeployClient);
const VERSION_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:TapStackprod-ApiFunction:42';
const event = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'eyJleGVjdXRpb25JZCI6IjEifQ==' };
/** A response payload as the SDK hands it over (bytes with a string view). */
const encode = (value: unknown) => {
  const text = JSON.stringify(value);
  return Object.assign(new TextEncoder().encode(text), {
    transformToString: () => text,
  }) as unknown as InvokeCommandOutput['Payload'];
};

const check = () =>
  checkNewVersion(event, {
    versionArn: VERSION_ARN,
    lambda: new LambdaClient({ region: 'eu-west-1' }),
    codeDeploy: new CodeDeployClient({ region: 'eu-west-1' }),
  });

const reported = () =>
  codeDeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((call) => call.args[0].input);

beforeEach(() => {
  lambda.reset();
  codeDeploy.reset();
  codeDeploy
    .on(PutLifecycleEventHookExecutionStatusCommand)
    .resolves({ lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId });
});
afterAll(() => {
  lambda.restore();
  codeDeploy.restore();
});

describe('pre-traffic hook', () => {
  it('invokes the new version itself with GET /health/ready and reports Succeeded on 200', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: encode({ statusCode: 200, body: '{"status":"ready"}' }) });
    expect(await check()).toBe('Succeeded');
    const [invoke] = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(invoke).toMatchObject({ FunctionName: VERSION_ARN, InvocationType: 'RequestResponse' });
    const probe = JSON.parse(new TextDecoder().decode(invoke?.Payload as Uint8Array)) as Record<
      string,
      unknown
    >;
    expect(probe).toMatchObject({ httpMethod: 'GET', path: READINESS_PATH, resource: '/{proxy+}' });
    expect(reported()).toEqual([
      {
        deploymentId: event.DeploymentId,
        lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
        status: 'Succeeded',
      },
    ]);
  });

  it('reports Failed when the new version answers 503, fails the invocation, or cannot be invoked', async () => {
    lambda.on(InvokeCommand).resolvesOnce({
      StatusCode: 200,
      Payload: encode({ statusCode: 503, body: '{"status":"not ready"}' }),
    });
    expect(await check()).toBe('Failed');
    lambda.on(InvokeCommand).resolvesOnce({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: encode({ errorType: 'Error', errorMessage: 'Cannot find module' }),
    });
    expect(await check()).toBe('Failed');
    lambda.on(InvokeCommand).rejectsOnce(new Error('AccessDeniedException'));
    expect(await check()).toBe('Failed');
    expect(reported().map((input) => input.status)).toEqual(['Failed', 'Failed', 'Failed']);
  });

  it('refuses to run without NEW_VERSION_ARN, which the stack sets', async () => {
    const saved = process.env.NEW_VERSION_ARN;
    delete process.env.NEW_VERSION_ARN;
    try {
      await expect(handler(event)).rejects.toThrow('NEW_VERSION_ARN is not set');
    } finally {
      if (saved !== undefined) process.env.NEW_VERSION_ARN = saved;
    }
  });
});
