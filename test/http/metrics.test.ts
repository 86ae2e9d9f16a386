import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/** One sample of the Prometheus text format: name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = value as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}

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
