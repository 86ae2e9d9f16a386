/**
 * The API function as a Lambda host runs it, not as a server: no event-loop-delay shedding (a thawed
 * sandbox's frozen time reads as delay), /metrics closed without METRICS_TOKEN, a dashboard that polls
 * instead of holding a stream, and dashboard sessions any sandbox accepts, because the secret signing
 * them lives in the table all sandboxes share.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as apiHandler, closeApi } from '../../src/lambda/api.js';
import { LAMBDA_SETTINGS } from '../../src/lambda/lambda-config.js';
import { lambdaPlatform } from '../../src/lambda/lambda-platform.js';
import { withSecrets } from '../../src/lambda/secrets.js';
import { type LocalDynamo, startDynalite, uniqueTableName } from '../helpers/dynalite.js';
import { lambdaTestEnvironment } from '../helpers/lambda-environment.js';
import { lambdaContext, type RestRequest, restProxyEvent } from '../helpers/lambda-events.js';
import { uniquePrefix } from '../helpers/redis.js';

const ADMIN_KEY = `lambda-admin-${randomUUID()}`;
let dynamo: LocalDynamo;
let savedEnv: NodeJS.ProcessEnv;

const invoke = (request: RestRequest): Promise<APIGatewayProxyResult> =>
  apiHandler(restProxyEvent(request), lambdaContext('travel-platform-api'));

/** A fresh sandbox: the next invocation cold-starts a new platform on the same table. */
const newSandbox = () => closeApi();

beforeAll(async () => {
  dynamo = await startDynalite();
  savedEnv = { ...process.env };
  Object.assign(process.env, {
    ...lambdaTestEnvironment({
      table: uniqueTableName(),
      dynamoEndpoint: dynamo.endpoint,
      cachePrefix: uniquePrefix('lambda-runtime'),
      adminKey: ADMIN_KEY,
    }),
    // What an operator might set from a server's habits: the Lambda host overrides both.
    MAX_EVENT_LOOP_DELAY_MS: '200',
    DASHBOARD_LIVE: 'stream',
  });
}, 60_000);

afterAll(async () => {
  await closeApi();
  await dynamo?.close();
  process.env = savedEnv;
});

describe('the API function on a Lambda host', () => {
  it('runs with event-loop-delay shedding off and the dashboard polling, whatever the environment says', async () => {
    const { config } = await lambdaPlatform();
    expect(LAMBDA_SETTINGS).toEqual({ MAX_EVENT_LOOP_DELAY_MS: '0', DASHBOARD_LIVE: 'poll' });
    expect(config.maxEventLoopDelayMs).toBe(0);
    expect(config.dashboardLive).toBe('poll');
  });

  it('keeps /metrics closed without METRICS_TOKEN, even to an invocation that reads as loopback', async () => {
    const fromGateway = await invoke({ method: 'GET', path: '/metrics' });
    expect(fromGateway.statusCode).toBe(403);
    expect(fromGateway.headers?.['content-type']).toContain('application/problem+json');
    expect(JSON.parse(fromGateway.body).detail).toContain('METRICS_TOKEN');
    // A direct invocation without a source address: @fastify/aws-lambda then injects from 127.0.0.1.
    const event = restProxyEvent({ method: 'GET', path: '/metrics' });
    delete (event.headers as Record<string, string | undefined>)['X-Forwarded-For'];
    delete (event.multiValueHeaders as Record<string, string[] | undefined>)['X-Forwarded-For'];
    (event.requestContext.identity as { sourceIp: string | undefined }).sourceIp = undefined;
    const direct = await apiHandler(event, lambdaContext('travel-platform-api'));
    expect(direct.statusCode).toBe(403);
  });

  it('serves the dashboard page in polling mode, a snapshot per request, and no held stream', async () => {
    const page = await invoke({ method: 'GET', path: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<meta name="dashboard-live" content="poll" data-poll-ms="5000" />');
    const signIn = await invoke({ method: 'POST', path: '/dashboard/session', body: { key: ADMIN_KEY } });
    expect(signIn.statusCode).toBe(204);
    const cookie = String(signIn.headers?.['set-cookie']).split(';')[0]!;
    const snapshot = await invoke({ method: 'GET', path: '/dashboard/snapshot', headers: { cookie } });
    expect(snapshot.statusCode).toBe(200);
    expect(JSON.parse(snapshot.body)).toMatchObject({
      recent: expect.any(Object),
      series: expect.any(Array),
    });
    const stream = await invoke({ method: 'GET', path: '/dashboard/events', headers: { cookie } });
    expect(stream.statusCode).toBe(404);
    const signedOut = await invoke({ method: 'GET', path: '/dashboard/snapshot' });
    expect(signedOut.statusCode).toBe(401);
  });

  it('accepts a dashboard session opened in another sandbox (the signing secret is in the shared table)', async () => {
    const signIn = await invoke({ method: 'POST', path: '/dashboard/session', body: { key: ADMIN_KEY } });
    const cookie = String(signIn.headers?.['set-cookie']).split(';')[0]!;
    await newSandbox();
    const elsewhere = await invoke({ method: 'GET', path: '/dashboard/session', headers: { cookie } });
    expect(elsewhere.statusCode).toBe(204);
    // Signing out in one sandbox ends the session in every other.
    await invoke({ method: 'DELETE', path: '/dashboard/session', headers: { cookie } });
    await newSandbox();
    const afterSignOut = await invoke({ method: 'GET', path: '/dashboard/session', headers: { cookie } });
    expect(afterSignOut.statusCode).toBe(401);
  });

  it('reads each secret named by ARN into the setting it stands for (admin key, Redis AUTH, Duffel token)', async () => {
    const secrets: Record<string, string> = {
      'arn:admin': 'admin-from-secret',
      'arn:redis': 'p@ss word',
      'arn:duffel': 'duffel_test_token',
    };
    const env = await withSecrets(
      {
        ADMIN_API_KEY_SECRET_ARN: 'arn:admin',
        REDIS_URL: 'rediss://cache.example:6379',
        REDIS_AUTH_SECRET_ARN: 'arn:redis',
        DUFFEL_TOKEN_SECRET_ARN: 'arn:duffel',
      },
      async (arn) => secrets[arn] ?? '',
    );
    expect(env).toMatchObject({
      ADMIN_API_KEY: 'admin-from-secret',
      REDIS_URL: 'rediss://:p%40ss%20word@cache.example:6379',
      DUFFEL_TOKEN: 'duffel_test_token',
    });
  });
});
