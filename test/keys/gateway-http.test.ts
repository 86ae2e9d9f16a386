import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../src/adapters/rate-limiter/memory.js';
import { RedisRateLimiter } from '../../src/adapters/rate-limiter/redis.js';
import { type RunningGatewayApp, startGatewayApp, tempDatabaseFile } from '../helpers/gateway-app.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { redisUrl, uniquePrefix } from '../helpers/redis.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnop';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(url: string, init: RequestInit & { key?: string } = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (init.key !== undefined) headers.set('x-api-key', init.key);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : JSON.parse(text) };
}

async function issueKey(
  app: RunningGatewayApp,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string }> {
  const answer = await call(`${app.url}/v1/admin/api-keys`, {
    method: 'POST',
    key: ADMIN_KEY,
    body: JSON.stringify(body),
  });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; key: string };
}

describe('gateway over HTTP', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(options: Partial<Parameters<typeof startGatewayApp>[0]> = {}, dbFile?: string) {
    let file = dbFile;
    if (file === undefined) {
      const temp = tempDatabaseFile();
      cleanups.push(temp.remove);
      file = temp.file;
    }
    const app = await startGatewayApp({
      dbFile: file,
      limiter: new MemoryRateLimiter(),
      adminApiKey: ADMIN_KEY,
      ...options,
    });
    cleanups.push(app.close);
    return app;
  }

  describe('usage plans', () => {
    it('with 5 req/s and burst 10, ten requests pass with remaining counting down, the 11th is 429, 5 more pass a second later', async () => {
      // A clock that moves only when told: a loaded machine must not refill the bucket mid-test.
      const clock = new ManualClock(Date.parse('2026-05-01T12:00:00.000Z'));
      const app = await start({ clock, limiter: new MemoryRateLimiter({ clock }) });
      const { key } = await issueKey(app, { name: 'plan test', plan: 'free', rateLimit: 5, burstLimit: 10 });
      const remaining: string[] = [];
      for (let i = 0; i < 10; i++) {
        const answer = await call(`${app.url}/v1/ping`, { key });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('ratelimit-limit')).toBe('10');
        expect(answer.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
        remaining.push(answer.headers.get('ratelimit-remaining') ?? '');
      }
      expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);

      const refused = await call(`${app.url}/v1/ping`, { key });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(refused.body).toMatchObject({
        type: 'https://travel-platform.dev/problems/rate-limited',
        status: 429,
      });

      clock.advance(1000);
      let admitted = 0;
      for (let i = 0; i < 10; i++) if ((await call(`${app.url}/v1/ping`, { key })).status === 200) admitted++;
      // Exactly the 5 tokens one second refills.
      expect(admitted).toBe(5);
    });

    it('two API processes sharing Redis admit one plan in total', async () => {
      const prefix = uniquePrefix('http-shared');
      const temp = tempDatabaseFile();
      cleanups.push(temp.remove);
      const a = await start(
        { limiter: new RedisRateLimiter({ url: redisUrl, keyPrefix: prefix }) },
        temp.file,
      );
      const b = await start(
        { limiter: new RedisRateLimiter({ url: redisUrl, keyPrefix: prefix }) },
        temp.file,
      );
      const { key } = await issueKey(a, { name: 'shared', rateLimit: 5, burstLimit: 10 });
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => call(`${(i % 2 === 0 ? a : b).url}/v1/ping`, { key })),
      );
      const elapsedSeconds = (performance.now() - started) / 1000;
      const admitted = answers.filter((answer) => answer.status === 200).length;
      // One bucket of 10 plus what refilled at 5/s while the requests ran (±1 bucket allowed).
      expect(admitted).toBeGreaterThanOrEqual(10);
      expect(admitted).toBeLessThanOrEqual(10 + Math.ceil(elapsedSeconds * 5) + 1);
      expect(answers.filter((answer) => answer.status === 429).length).toBe(40 - admitted);
    });

    it('past the daily quota answers quota-exceeded with retry-after to the next UTC day, and resets then', async () => {
      const clock = new ManualClock(Date.parse('2026-05-01T23:00:00.000Z'));
      const app = await start({ clock, limiter: new MemoryRateLimiter({ clock }) });
      const { key } = await issueKey(app, { name: 'quota', dailyQuota: 2, rateLimit: 100, burstLimit: 100 });
      expect((await call(`${app.url}/v1/ping`, { key })).status).toBe(200);
      expect((await call(`${app.url}/v1/ping`, { key })).status).toBe(200);
      const refused = await call(`${app.url}/v1/ping`, { key });
      expect(refused.status).toBe(429);
      expect(refused.body.type).toBe('https://travel-platform.dev/problems/quota-exceeded');
      expect(refused.headers.get('retry-after')).toBe('3600');
      expect(refused.headers.get('ratelimit-limit')).toBe('2');
      clock.set(Date.parse('2026-05-02T00:00:00.000Z'));
      const nextDay = await call(`${app.url}/v1/ping`, { key });
      expect(nextDay.status).toBe(200);
      expect(nextDay.headers.get('ratelimit-remaining')).toBe('1');
    });
  });

  describe('API keys', () => {
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['unknown', `tp_live_0123456789abcdef_${'A'.repeat(43)}`],
      ['garbage', 'not-a-key'],
      ['overlong', 'x'.repeat(5000)],
      ['non-ASCII', 'tp_live_ключ'],
      ['control characters', 'tp_live_\u0001abc'],
    ])('a %s key gets 401 problem+json', async (_label, key) => {
      const app = await start();
      const headers: Record<string, string> = {};
      const init: RequestInit & { key?: string } = { headers };
      if (key !== undefined) {
        // fetch refuses non-Latin-1 header values, so send the raw UTF-8 bytes as Latin-1 text.
        headers['x-api-key'] = Buffer.from(key, 'utf8').toString('latin1');
      }
      const answer = await call(`${app.url}/v1/ping`, init).catch(() => undefined);
      if (answer === undefined) return; // the client itself refused to send it: nothing reached the server
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({
        type: 'https://travel-platform.dev/problems/invalid-api-key',
        status: 401,
      });
    });

    it('routes outside /v1 need no key and carry security headers', async () => {
      const app = await start();
      const answer = await call(`${app.url}/health/live`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('ratelimit-limit')).toBeNull();
    });

    it('CORS answers a configured origin and exposes the rate-limit headers', async () => {
      const app = await start();
      const answer = await call(`${app.url}/health/live`, { headers: { origin: 'https://app.example.com' } });
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(answer.headers.get('access-control-expose-headers')).toContain('ratelimit-remaining');
    });

    it('admin routes issue, list, read and revoke keys; secrets are never listed', async () => {
      const app = await start();
      const issued = await issueKey(app, { name: 'mobile app', plan: 'standard' });
      expect(issued.key).toMatch(/^tp_live_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const list = await call(`${app.url}/v1/admin/api-keys`, { key: ADMIN_KEY });
      expect(list.status).toBe(200);
      expect(JSON.stringify(list.body)).not.toContain(issued.key);
      expect(list.body.meta).toMatchObject({ count: 1 });
      const one = await call(`${app.url}/v1/admin/api-keys/${issued.id}`, { key: ADMIN_KEY });
      expect(one.body).toMatchObject({ name: 'mobile app', usagePlan: { name: 'standard', rateLimit: 50 } });
      const stored = app.db.prepare('SELECT secret_hash FROM api_keys WHERE id = ?').get(issued.id) as {
        secret_hash: string;
      };
      expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(
        (await call(`${app.url}/v1/admin/api-keys/${issued.id}`, { method: 'DELETE', key: ADMIN_KEY }))
          .status,
      ).toBe(204);
      expect(
        (await call(`${app.url}/v1/admin/api-keys/nope`, { method: 'DELETE', key: ADMIN_KEY })).status,
      ).toBe(404);
    });

    it('admin routes refuse client keys with 403 and bad bodies with 400', async () => {
      const app = await start();
      const { key } = await issueKey(app, { name: 'client' });
      const forbidden = await call(`${app.url}/v1/admin/api-keys`, { key });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.type).toBe('https://travel-platform.dev/problems/admin-key-required');
      const bad = await call(`${app.url}/v1/admin/api-keys`, {
        method: 'POST',
        key: ADMIN_KEY,
        body: JSON.stringify({ name: '', rateLimit: -1 }),
      });
      expect(bad.status).toBe(400);
    });

    it('a revoked key is refused at once on the revoking process and within a second on another', async () => {
      const temp = tempDatabaseFile();
      cleanups.push(temp.remove);
      const a = await start({}, temp.file);
      const b = await start({}, temp.file);
      const { id, key } = await issueKey(a, { name: 'to revoke', rateLimit: 1000, burstLimit: 1000 });
      expect((await call(`${a.url}/v1/ping`, { key })).status).toBe(200);
      expect((await call(`${b.url}/v1/ping`, { key })).status).toBe(200);
      expect(
        (await call(`${a.url}/v1/admin/api-keys/${id}`, { method: 'DELETE', key: ADMIN_KEY })).status,
      ).toBe(204);
      const onA = await call(`${a.url}/v1/ping`, { key });
      expect(onA.status).toBe(401);
      expect(onA.body.detail).toBe('The API key has been revoked.');
      await sleep(1000);
      expect((await call(`${b.url}/v1/ping`, { key })).status).toBe(401);
    });

    it('counts usage per key per day: requests, searches, 4xx, 5xx and 429', async () => {
      const app = await start();
      const { id, key } = await issueKey(app, { name: 'metered', rateLimit: 1, burstLimit: 4 });
      await call(`${app.url}/v1/flights/search`, { key });
      await call(`${app.url}/v1/ping`, { key });
      await call(`${app.url}/v1/nowhere`, { key });
      await call(`${app.url}/v1/fail`, { key });
      await call(`${app.url}/v1/ping`, { key });
      const usage = await call(`${app.url}/v1/admin/api-keys/${id}/usage`, { key: ADMIN_KEY });
      expect(usage.status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      expect(usage.body.data).toEqual([
        { day: today, requests: 5, searches: 1, clientErrors: 1, serverErrors: 1, throttled: 1 },
      ]);
      const badRange = await call(`${app.url}/v1/admin/api-keys/${id}/usage?from=2026-02-30`, {
        key: ADMIN_KEY,
      });
      expect(badRange.status).toBe(400);
      expect(badRange.body.errors).toEqual([
        { field: 'query.from', message: 'must be a calendar day YYYY-MM-DD' },
      ]);
    });
  });

  describe('bearer tokens', () => {
    let app: RunningGatewayApp;
    let key: string;
    let dbCleanup: () => void;
    beforeAll(async () => {
      const temp = tempDatabaseFile();
      dbCleanup = temp.remove;
      app = await startGatewayApp({
        dbFile: temp.file,
        limiter: new MemoryRateLimiter(),
        adminApiKey: ADMIN_KEY,
      });
      key = (await issueKey(app, { name: 'booker', plan: 'partner' })).key;
    });
    afterAll(async () => {
      await app.close();
      dbCleanup();
    });
    const book = (authorization?: string) =>
      call(`${app.url}/v1/bookings`, {
        method: 'POST',
        key,
        headers: authorization === undefined ? {} : { authorization },
        body: '{}',
      });
    const expectRefused = async (authorization: string | undefined, detail: RegExp) => {
      const answer = await book(authorization);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(answer.body).toMatchObject({ type: 'https://travel-platform.dev/problems/invalid-token' });
      expect(answer.body.detail).toMatch(detail);
    };
    const sign = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
      const { privateKey } = await generateKeyPair('ES256');
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', ...header })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
    };
    const jwks = async () =>
      (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };

    it('a token minted by the local issuer books as its subject through the API key', async () => {
      const answer = await book(`Bearer ${await app.issuer.mint('alice')}`);
      expect(answer.status).toBe(200);
      expect(answer.body.user).toMatchObject({ sub: 'alice' });
      expect((answer.body.user as { apiKeyId: string }).apiKeyId).toMatch(/^[0-9a-f]{16}$/);
    });

    it('the JWKS is public and holds no private part', async () => {
      const document = await jwks();
      expect(document.keys).toHaveLength(1);
      expect(JSON.stringify(document)).not.toContain('"d"');
    });

    it('a missing or non-Bearer Authorization header is refused', async () => {
      await expectRefused(undefined, /Bearer <token>/);
      await expectRefused('Basic abc', /Bearer <token>/);
    });

    it('garbage is refused as malformed', async () => {
      await expectRefused('Bearer not.a.jwt', /not a well-formed JWT/);
    });

    it('an expired token is refused as expired', async () => {
      // Expired 10 s before it is sent: past the 5 s clock-skew tolerance without waiting it out.
      const token = await app.issuer.mint('bob', -10);
      await expectRefused(`Bearer ${token}`, /expired/);
    });

    it('a token signed by another key is refused for its signature', async () => {
      const { kid } = (await jwks()).keys[0]!;
      const forged = await sign(
        { sub: 'mallory', iss: 'travel-platform-local', aud: 'travel-platform' },
        { kid },
      );
      await expectRefused(`Bearer ${forged}`, /signature does not verify/);
    });

    it('an unsigned alg "none" token is refused as such', async () => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'mallory', iss: 'travel-platform-local', aud: 'travel-platform', exp: now + 600 })}.`;
      await expectRefused(`Bearer ${token}`, /alg "none"/);
    });

    it('a token for another audience or from another issuer is refused naming which', async () => {
      // Issuers sharing the stored (trusted) key but minting other claims.
      const { LocalTokenIssuer } = await import('../../src/adapters/auth/local-issuer.js');
      const { SqliteIssuerKeyStorage } = await import(
        '../../src/adapters/store/sqlite/issuer-key-storage.js'
      );
      const storage = new SqliteIssuerKeyStorage(app.db);
      const otherAudience = await LocalTokenIssuer.open({
        storage,
        issuer: 'travel-platform-local',
        audience: 'someone-else',
      });
      const otherIssuer = await LocalTokenIssuer.open({
        storage,
        issuer: 'https://evil.example',
        audience: 'travel-platform',
      });
      await expectRefused(`Bearer ${await otherAudience.mint('carol')}`, /audience travel-platform/);
      await expectRefused(`Bearer ${await otherIssuer.mint('carol')}`, /not issued by travel-platform-local/);
    });
  });

  describe('overload', () => {
    it('blocking the event loop past the bound yields 503 with retry-after, then recovery', async () => {
      const app = await start({ maxEventLoopDelayMs: 100, sampleIntervalMs: 100 });
      const { key } = await app.keys.issue({ name: 'load', plan: 'partner' });
      // Start from a calm loop: setting up the app may itself have lagged a sampling window.
      let calm = false;
      for (let i = 0; i < 100 && !calm; i++) {
        calm = (await call(`${app.url}/v1/ping`, { key })).status === 200;
        if (!calm) await sleep(100);
      }
      expect(calm).toBe(true);
      // Several back-to-back blocks keep the loop starved across more than one sampling window,
      // so whichever window the probes land in, the measured delay is far over the bound.
      const blocks = Promise.all(Array.from({ length: 4 }, () => call(`${app.url}/block?ms=600`)));
      let overloaded: Answer | undefined;
      for (let i = 0; i < 100 && overloaded === undefined; i++) {
        const answer = await call(`${app.url}/v1/ping`, { key });
        if (answer.status === 503) overloaded = answer;
        else await sleep(20);
      }
      await blocks;
      expect(overloaded?.headers.get('retry-after')).toBe('1');
      expect(overloaded?.body).toMatchObject({
        type: 'https://travel-platform.dev/problems/overloaded',
        status: 503,
      });
      let recovered = false;
      for (let i = 0; i < 100 && !recovered; i++) {
        recovered = (await call(`${app.url}/v1/ping`, { key })).status === 200;
        if (!recovered) await sleep(100);
      }
      expect(recovered).toBe(true);
    });
  });
});
