/**
 * CodeDeploy's BeforeAllowTraffic hook of the API's `live` alias: before any traffic moves, it
 * invokes the new version directly (not through the alias, which still points at the old one)
 * with the REST proxy event of `GET /health/ready`, and reports the deployment's lifecycle event
 * Succeeded only on a 200. A version that cannot reach its table, Redis or bus, or cannot start
 * at all, is rolled back before a single client sees it.
 */
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** What CodeDeploy passes a lifecycle hook. */
export interface LifecycleHookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

/** The path the hook asks the new version for. */
export const READINESS_PATH = '/health/ready';

/** A REST proxy event as API Gateway would send for `GET /health/ready`. */
export function readinessProbeEvent(deploymentId: string): APIGatewayProxyEvent {
  const headers = { Accept: 'application/json', 'User-Agent': 'travel-platform-pre-traffic-hook' };
  return {
    resource: '/{proxy+}',
    path: READINESS_PATH,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: READINESS_PATH.slice(1) },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '',
      apiId: 'pre-traffic-hook',
      authorizer: undefined,
      httpMethod: 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: headers['User-Agent'],
        userArn: null,
      },
      path: READINESS_PATH,
      protocol: 'HTTP/1.1',
      requestId: `pre-traffic-${deploymentId}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'pre-traffic-hook',
      resourcePath: '/{proxy+}',
      stage: 'pre-traffic',
    },
  };
}

/** Why the new version was judged not ready, or undefined when it answered 200. */
export function readinessFailure(
  functionError: string | undefined,
  payload: Uint8Array | undefined,
): string | undefined {
  const text = payload === undefined ? '' : new TextDecoder().decode(payload);
  if (functionError !== undefined)
    return `the new version failed the invocation (${functionError}): ${text.slice(0, 500)}`;
  let statusCode: unknown;
  try {
    statusCode = (JSON.parse(text) as { statusCode?: unknown }).statusCode;
  } catch {
    return `the new version answered no proxy response: ${text.slice(0, 500)}`;
  }
  return statusCode === 200
    ? undefined
    : `GET ${READINESS_PATH} answered ${String(statusCode)}: ${text.slice(0, 500)}`;
}

export interface PreTrafficHookOptions {
  /** Qualified ARN of the version being deployed. */
  versionArn: string;
  lambda: LambdaClient;
  codeDeploy: CodeDeployClient;
  log?: (message: string) => void;
}

/** Probes the new version and reports the outcome to CodeDeploy; returns the status it reported. */
export async function checkNewVersion(
  event: LifecycleHookEvent,
  options: PreTrafficHookOptions,
): Promise<'Succeeded' | 'Failed'> {
  let failure: string | undefined;
  try {
    const result = await options.lambda.send(
      new InvokeCommand({
        FunctionName: options.versionArn,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(readinessProbeEvent(event.DeploymentId))),
      }),
    );
    failure = readinessFailure(result.FunctionError, result.Payload);
  } catch (error) {
    failure = `the new version could not be invoked: ${error instanceof Error ? error.message : String(error)}`;
  }
  const status = failure === undefined ? 'Succeeded' : 'Failed';
  options.log?.(failure ?? `${options.versionArn} answered ${READINESS_PATH} with 200`);
  await options.codeDeploy.send(
    new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status,
    }),
  );
  return status;
}

let clients: { lambda: LambdaClient; codeDeploy: CodeDeployClient } | undefined;

/** The Lambda entry point; NEW_VERSION_ARN is set by the stack to the version being deployed. */
export async function handler(event: LifecycleHookEvent): Promise<void> {
  const versionArn = process.env.NEW_VERSION_ARN;
  if (!versionArn)
    throw new Error('NEW_VERSION_ARN is not set: the stack sets it to the version being deployed');
  clients ??= { lambda: new LambdaClient({}), codeDeploy: new CodeDeployClient({}) };
  await checkNewVersion(event, { versionArn, ...clients, log: (message) => console.log(message) });
}
