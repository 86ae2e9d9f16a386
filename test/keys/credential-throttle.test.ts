import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RequestFrom, requestFrom, type TextAnswer } from '../helpers/http-from.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { RedisServer, randomPort } from '../helpers/redis-server.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Failed credentials are throttled per client address, on real listeners: the token exchange, the
 * dashboard sign-in, API keys and bearer tokens. Clients at different addresses are played from
 * different loopback addresses; the window passes on the platform's manual clock. With Redis, two
 * instances share the count: failures at one are refused at the other.
 */

const LIMIT = 5;
const ADMIN_KEY = 'test-admin-key-that-is-long-enough-0000';
const throttleEnv = { AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_SECONDS: '60' };

interface Instances {
  clock: ManualClock;
  /** Where the guessing happens. */
  attacked: TestPlatform;
  /** Another instance sharing the limiter (the same one with the memory backend). */
  other: TestPlatform;
}

const backends: { name: string; start: () => Promise<Instances & { stop: () => Promise<void> }> }[] = [
  {
    name: 'memory',
    start: async () => {
      const clock = new ManualClock(Date.now());
      const tp = await startTestPlatform({ airports: 6, days: 2, clock, env: throttleEnv });
      return { clock, attacked: tp, other: tp, stop: () => tp.close() };
    },
  },
  {
    name: 'redis, two instances',
    start: async () => {
      // A private Redis: the count is keyed by address, which other test runs on this machine share.
      const redis = new RedisServer(randomPort());
      await redis.start();
      const clock = new ManualClock(Date.now());
      const env = { ...throttleEnv, RATE_LIMITER: 'redis', REDIS_URL: redis.url };
      const attacked = await startTestPlatform({ airports: 6, days: 2, clock, env });
      const other = await startTestPlatform({ airports: 6, days: 2, clock, env });
      return {
        clock,
        attacked,
        other,
        stop: async () => {
          await attacked.close();
          await other.close();
          await redis.kill();
        },
      };
    },
  },
];

const form = (fields: Record<string, string>): RequestFrom => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const json = (answer: TextAnswer) => JSON.parse(answer.body) as Record<string, unknown>;

describe.each(backends)('failed credentials are throttled per client address ($name)', (backend) => {
  let instances: Instances & { stop: () => Promise<void> };
  beforeAll(async () => {
    instances = await backend.start();
  }, 60_000);
  afterAll(() => instances?.stop());

  it('token route: LIMIT wrong secrets are 401, then 429 (Amadeus 38194) with retry-after; another address still gets a token; after the window this one does too', async () => {
    const { attacked, other, clock } = instances;
    const issued = await other.platform.gateway.options.keys.issue({ name: 'sdk app' });
    const token = (secret: string) =>
      form({ grant_type: 'client_credentials', client_id: issued.record.id, client_secret: secret });
    const TOKEN = '/v1/security/oauth2/token';

    const wrong = [];
    for (let i = 0; i < LIMIT; i++)
      wrong.push(
        (await requestFrom('127.0.0.11', `${attacked.baseUrl}${TOKEN}`, token(`guess-${i}`))).status,
      );
    expect(wrong).toEqual(Array(LIMIT).fill(401));

    const refused = await requestFrom('127.0.0.11', `${other.baseUrl}${TOKEN}`, token('guess-again'));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(json(refused)).toMatchObject({
      errors: [{ status: 429, code: 38194, title: 'Too many requests' }],
    });
    // The right secret is refused alike: a right guess is not told apart from a wrong one.
    expect((await requestFrom('127.0.0.11', `${other.baseUrl}${TOKEN}`, token(issued.key))).status).toBe(429);

    const elsewhere = await requestFrom('127.0.0.12', `${other.baseUrl}${TOKEN}`, token(issued.key));
    expect(elsewhere.status).toBe(200);
    expect(json(elsewhere).access_token).toEqual(expect.any(String));

    clock.advance(30_000);
    const later = await requestFrom('127.0.0.11', `${other.baseUrl}${TOKEN}`, token(issued.key));
    expect([later.status, later.headers['retry-after']]).toEqual([429, '30']);
    clock.advance(30_000);
    expect((await requestFrom('127.0.0.11', `${other.baseUrl}${TOKEN}`, token(issued.key))).status).toBe(200);
  });

  it('token route, 40 wrong secrets at once over both instances: exactly LIMIT are checked (401), the rest 429', async () => {
    const { attacked, other } = instances;
    const issued = await other.platform.gateway.options.keys.issue({ name: 'stormed app' });
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        requestFrom(
          '127.0.0.13',
          `${(i % 2 === 0 ? attacked : other).baseUrl}/v1/security/oauth2/token`,
          form({
            grant_type: 'client_credentials',
            client_id: issued.record.id,
            client_secret: `storm-${i}`,
          }),
        ).then((answer) => answer.status),
      ),
    );
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - LIMIT);
  });

  it('token route: successful exchanges use none of the allowance', async () => {
    const { attacked } = instances;
    const issued = await attacked.platform.gateway.options.keys.issue({ name: 'busy app' });
    const token = (secret: string) =>
      form({ grant_type: 'client_credentials', client_id: issued.record.id, client_secret: secret });
    const url = `${attacked.baseUrl}/v1/security/oauth2/token`;
    const statuses = [];
    for (let i = 0; i < 2 * LIMIT; i++)
      statuses.push((await requestFrom('127.0.0.14', url, token(issued.key))).status);
    for (let i = 0; i <= LIMIT; i++)
      statuses.push((await requestFrom('127.0.0.14', url, token(`wrong-${i}`))).status);
    expect(statuses).toEqual([...Array(2 * LIMIT).fill(200), ...Array(LIMIT).fill(401), 429]);
  });

  it('dashboard sign-in: wrong keys end in 429 problem+json rate-limited with retry-after; the admin key from another address signs in', async () => {
    const { attacked, other } = instances;
    const signIn = (key: string): RequestFrom => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    const statuses = [];
    for (let i = 0; i <= LIMIT; i++)
      statuses.push(
        (await requestFrom('127.0.0.21', `${attacked.baseUrl}/dashboard/session`, signIn(`nope-${i}`)))
          .status,
      );
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429]);

    const refused = await requestFrom('127.0.0.21', `${other.baseUrl}/dashboard/session`, signIn(ADMIN_KEY));
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(json(refused)).toMatchObject({
      type: 'https://travel-platform.dev/problems/rate-limited',
      status: 429,
      detail: expect.stringContaining('failed credential attempts'),
    });
    const admin = await requestFrom('127.0.0.22', `${other.baseUrl}/dashboard/session`, signIn(ADMIN_KEY));
    expect(admin.status).toBe(204);
  });

  it('wrong x-api-keys on /v1: the address is then refused even with a valid key, cached searches included; other addresses are served', async () => {
    const { attacked, other } = instances;
    const [route] = await other.platform.store.listRoutes();
    const search = `${other.baseUrl}/v1/flights/search?origin=${route?.origin}&destination=${route?.destination}&departureDate=${other.date(1)}`;
    const withKey = (key: string): RequestFrom => ({ headers: { 'x-api-key': key } });
    // Asked twice, the page is held in process: the front answers it from now on.
    await requestFrom('127.0.0.32', search, withKey(other.apiKey));
    expect((await requestFrom('127.0.0.32', search, withKey(other.apiKey))).headers['x-cache']).toBe('HIT');

    const statuses = [];
    for (let i = 0; i < LIMIT; i++)
      statuses.push(
        (
          await requestFrom(
            '127.0.0.31',
            `${attacked.baseUrl}/v1/locations?keyword=LON`,
            withKey(`tp_guess${i}`),
          )
        ).status,
      );
    expect(statuses).toEqual(Array(LIMIT).fill(401));
    if (other !== attacked) {
      // Another instance learns of the block from the next failure it counts itself.
      expect((await requestFrom('127.0.0.31', search, withKey('tp_one-more'))).status).toBe(401);
    }

    const served = await requestFrom('127.0.0.32', search, withKey(other.apiKey));
    expect([served.status, served.headers['x-cache']]).toEqual([200, 'HIT']);
    const refused = await requestFrom('127.0.0.31', search, withKey(other.apiKey));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    expect(json(refused)).toMatchObject({ type: 'https://travel-platform.dev/problems/rate-limited' });
  });

  it('a forged X-Forwarded-For changes nothing when no proxy is trusted', async () => {
    const { attacked } = instances;
    const statuses = [];
    for (let i = 0; i <= LIMIT; i++)
      statuses.push(
        (
          await requestFrom('127.0.0.61', `${attacked.baseUrl}/v1/locations`, {
            headers: { 'x-api-key': `tp_forged${i}`, 'x-forwarded-for': `198.51.100.${i}` },
          })
        ).status,
      );
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429]);
  });

  it('wrong bearer tokens on the booking routes count too', async () => {
    const { attacked } = instances;
    const booking: RequestFrom = {
      method: 'POST',
      headers: {
        'x-api-key': attacked.apiKey,
        authorization: 'Bearer not-a-token',
        'content-type': 'application/json',
        'idempotency-key': 'throttle-test',
      },
      body: '{}',
    };
    const statuses = [];
    for (let i = 0; i <= LIMIT; i++)
      statuses.push((await requestFrom('127.0.0.41', `${attacked.baseUrl}/v1/bookings`, booking)).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429]);
  });
});

describe('behind a trusted proxy (TRUST_PROXY)', () => {
  let tp: TestPlatform;
  beforeAll(async () => {
    tp = await startTestPlatform({
      airports: 6,
      days: 2,
      env: { ...throttleEnv, TRUST_PROXY: '127.0.0.70/31' },
    });
  }, 60_000);
  afterAll(() => tp?.close());

  const signInVia = (proxy: string, client: string, key: string) =>
    requestFrom(proxy, `${tp.baseUrl}/dashboard/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ key }),
    });

  it('counts the forwarded client, so one guesser behind the proxy does not lock out the others', async () => {
    const statuses = [];
    for (let i = 0; i <= LIMIT; i++)
      statuses.push((await signInVia('127.0.0.70', '203.0.113.9', `nope-${i}`)).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429]);
    expect((await signInVia('127.0.0.71', '203.0.113.9', ADMIN_KEY)).status).toBe(429);
    expect((await signInVia('127.0.0.70', '203.0.113.10', ADMIN_KEY)).status).toBe(204);
    // An address that is not a trusted proxy is the client itself, whatever it forwards.
    expect((await signInVia('127.0.0.72', '203.0.113.9', ADMIN_KEY)).status).toBe(204);
  });
});
