import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKeyId } from '../../src/core/gateway/api-key-format.js';
import {
  dropSchema,
  postgresBehindProxy,
  postgresEnv,
  queryTestDatabase,
  uniqueSchema,
} from '../helpers/postgres.js';
import type { TcpProxy } from '../helpers/tcp-proxy.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A PostgreSQL outage longer than the key cache (a cut TCP proxy between the API and the server):
 * cached searches with a key read before the outage go on being answered; a key not read before is
 * answered 503, never let in; once the store is back, a revocation stops the key within the cache's
 * bound (≤ 1 s).
 */

const REQUEST_TIMEOUT_MS = 4000;

describe('API keys during a PostgreSQL outage', () => {
  const schema = uniqueSchema('keyoutage');
  let proxy: TcpProxy;
  let tp: TestPlatform;

  beforeAll(async () => {
    const proxied = await postgresBehindProxy();
    proxy = proxied.proxy;
    tp = await startTestPlatform({
      airports: 12,
      days: 3,
      env: {
        ...postgresEnv(schema, proxied.url),
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        PG_STATEMENT_TIMEOUT_MS: '1000',
        PG_CONNECT_TIMEOUT_MS: '1000',
        API_KEY_STALE_SECONDS: '300',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await tp?.close();
    await proxy?.close();
    await dropSchema(schema);
  });

  const path = (): string => `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${tp.date(1)}`;
  const search = (key: string): Promise<Response> =>
    fetch(`${tp.baseUrl}${path()}`, {
      headers: { 'x-api-key': key },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + 10_000),
    });

  it('keeps answering cached searches with a known key, refuses unknown keys with 503, and honours revocation once back', async () => {
    const { key: unseen } = await tp.platform.gateway.options.keys.issue({ name: 'never used' });
    expect((await search(tp.apiKey)).status).toBe(200);
    expect((await search(tp.apiKey)).headers.get('x-cache')).toBe('HIT');

    proxy.cut();
    // Past the key cache (500 ms): every key must now be asked of the store, which does not answer.
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const timings: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      const answer = await search(tp.apiKey);
      timings.push(Math.round(performance.now() - started));
      expect([answer.status, answer.headers.get('x-cache')]).toEqual([200, 'HIT']);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    console.log(`[api-key-outage] cached searches during the outage answered in ${timings.join(', ')} ms`);

    const refused = await search(unseen);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const madeUp = await search(`tp_live_${'0'.repeat(16)}_${'A'.repeat(43)}`);
    expect(madeUp.status).toBe(503);

    proxy.restore();
    await waitFor('the new key to be read again', async () => (await search(unseen)).status === 200, 30_000);

    const id = parseApiKeyId(tp.apiKey);
    await queryTestDatabase(`UPDATE ${schema}.api_keys SET revoked_at = $1 WHERE id = $2`, [Date.now(), id]);
    const revokedAt = performance.now();
    await waitFor(
      'the revoked key to be refused',
      async () => (await search(tp.apiKey)).status === 401,
      5_000,
    );
    const stoppedAfterMs = Math.round(performance.now() - revokedAt);
    console.log(`[api-key-outage] a key revoked in the store was refused after ${stoppedAfterMs} ms`);
    expect(stoppedAfterMs).toBeLessThan(1_500);
  });
});
