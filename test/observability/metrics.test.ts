import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { metrics } from '../../src/http/plugins/metrics.js';
import { parsePrometheusText, type Sample, sampleValue } from '../helpers/prometheus-text.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

describe('GET /metrics', () => {
  let tp: TestPlatform;
  let samples: Sample[];
  let contentType: string | null;

  beforeAll(async () => {
    tp = await startTestPlatform();
    const route = (await tp.platform.store.listRoutes())[0];
    if (!route) throw new Error('the demo inventory has no routes');
    const flights = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(1)}`;
    for (const path of [flights, flights, '/v1/locations?q=lon', '/v1/locations?q=lon']) {
      expect((await tp.fetch(path)).status).toBe(200);
    }
    const city = tp.platform.airports.byIata(route.origin)?.cityCode;
    const hotels = await tp.fetch(
      `/v1/hotels/search?cityCode=${city}&checkIn=${tp.date(1)}&checkOut=${tp.date(2)}`,
    );
    expect(hotels.status).toBe(200);
    expect((await tp.fetch('/no/such/route/42')).status).toBe(404);
    // No API key: the scrape endpoint sits outside /v1.
    const response = await fetch(`${tp.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    contentType = response.headers.get('content-type');
    samples = parsePrometheusText(await response.text());
  });

  afterAll(async () => {
    await tp?.close();
  });

  it('answers the Prometheus text format without an API key', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts a repeated flight search as one miss then one hit, and reports the hit ratio', () => {
    expect(sampleValue(samples, 'cache_requests_total', { type: 'flights', outcome: 'miss' })).toBe(1);
    expect(sampleValue(samples, 'cache_requests_total', { type: 'flights', outcome: 'hit' })).toBe(1);
    expect(sampleValue(samples, 'cache_hit_ratio', { type: 'flights' })).toBe(0.5);
  });

  it('counts location lookups and hotel searches under their own type', () => {
    expect(sampleValue(samples, 'cache_requests_total', { type: 'locations', outcome: 'hit' })).toBe(1);
    expect(sampleValue(samples, 'cache_requests_total', { type: 'hotels', outcome: 'miss' })).toBe(1);
    expect(sampleValue(samples, 'cache_hit_ratio', { type: 'hotels' })).toBe(0);
  });

  it('labels request durations by route pattern, not by raw URL', () => {
    const count = sampleValue(samples, 'http_request_duration_seconds_count', {
      method: 'GET',
      route: '/v1/flights/search',
      status_code: '200',
    });
    expect(count).toBe(2);
    expect(samples.some((sample) => sample.labels.route?.includes('?'))).toBe(false);
  });

  it('labels requests no route matched as "unmatched"', () => {
    expect(
      sampleValue(samples, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }),
    ).toBe(1);
    expect(samples.some((sample) => sample.labels.route?.includes('/no/such'))).toBe(false);
  });

  it('includes the default process metrics', () => {
    expect(samples.some((sample) => sample.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });
});

describe('metrics of several apps in one process', () => {
  it('keeps each app its own registry, so their counts neither collide nor mix', async () => {
    const [first, second] = await Promise.all([startTestPlatform(), startTestPlatform()]);
    try {
      await first.fetch('/v1/locations?q=par');
      const [one, two] = await Promise.all(
        [first, second].map(async (tp) =>
          parsePrometheusText(await (await fetch(`${tp.baseUrl}/metrics`)).text()),
        ),
      );
      expect(sampleValue(one ?? [], 'cache_requests_total', { type: 'locations', outcome: 'miss' })).toBe(1);
      expect(sampleValue(two ?? [], 'cache_requests_total', { type: 'locations' })).toBeUndefined();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('who may scrape /metrics', () => {
  const TOKEN = 'metrics-token-that-is-long-enough-000000';

  async function scrape(
    token: string | undefined,
    request: { remoteAddress: string; headers?: Record<string, string> },
  ) {
    const app = Fastify();
    await app.register(metrics, { token });
    try {
      const response = await app.inject({ url: '/metrics', ...request });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } finally {
      await app.close();
    }
  }

  it('without METRICS_TOKEN, answers a scraper on this machine', async () => {
    expect((await scrape(undefined, { remoteAddress: '127.0.0.1' })).status).toBe(200);
    expect((await scrape(undefined, { remoteAddress: '::1' })).status).toBe(200);
    expect((await scrape(undefined, { remoteAddress: '::ffff:127.0.0.1' })).status).toBe(200);
  });

  it('without METRICS_TOKEN, refuses other addresses and requests a local proxy forwarded, naming the setting', async () => {
    const requests: { remoteAddress: string; headers?: Record<string, string> }[] = [
      { remoteAddress: '10.0.0.7' },
      { remoteAddress: '192.168.1.20' },
      { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } },
      { remoteAddress: '127.0.0.1', headers: { forwarded: 'for=203.0.113.9' } },
    ];
    for (const request of requests) {
      const answer = await scrape(undefined, request);
      expect(answer.status).toBe(403);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({
        type: 'https://travel-platform.dev/problems/metrics-not-exposed',
        detail: expect.stringContaining('METRICS_TOKEN'),
      });
      expect(answer.body).not.toContain('nodejs_version_info');
    }
  });

  it('with METRICS_TOKEN, answers the bearer token from any address and refuses anything else with 401', async () => {
    const remote = { remoteAddress: '10.0.0.7' };
    const authorised = await scrape(TOKEN, { ...remote, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(authorised.status).toBe(200);
    expect(authorised.body).toContain('nodejs_version_info');
    const wrong: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: TOKEN },
    ];
    for (const headers of wrong) {
      for (const remoteAddress of ['10.0.0.7', '127.0.0.1']) {
        const answer = await scrape(TOKEN, { remoteAddress, headers });
        expect(answer.status).toBe(401);
        expect(answer.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(JSON.parse(answer.body)).toMatchObject({
          type: 'https://travel-platform.dev/problems/invalid-token',
          detail: expect.stringContaining('METRICS_TOKEN'),
        });
      }
    }
  });

  it('takes METRICS_TOKEN from the configuration, refusing a short one in one line', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(
      'METRICS_TOKEN=(hidden, 5 characters) is invalid: expected at least 32 characters without spaces (or empty: local scrapers only)',
    );
  });
});
