import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHandle, spawnScript, untilTwoWorkersForked } from '../helpers/api-process.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import { rawExchange } from '../helpers/raw-http.js';
import { randomPort, waitFor } from '../helpers/redis-server.js';

/**
 * `serve` with WORKERS=2 on the embedded defaults (SQLite, in-process cache and bus): two worker
 * processes share one port, and an inventory change made through one of them reaches the cache of
 * the other through the primary, so no answer after it shows the old inventory.
 */
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ADMIN = 'cluster-test-admin-key-000000000000000000';
const dir = mkdtempSync(join(tmpdir(), 'tp-cluster-'));
const port = randomPort();
const base = `http://127.0.0.1:${port}`;
const env = {
  SQLITE_FILE: join(dir, 'store.db'),
  ADMIN_API_KEY: ADMIN,
  SEED_ON_START: 'true',
  SEED_AIRPORTS: '20',
  SEED_DAYS: '3',
  LOG_LEVEL: 'warn',
  MAX_EVENT_LOOP_DELAY_MS: '0',
  SEARCH_THREADS: '0',
  WORKERS: '2',
  PORT: String(port),
  HOST: '127.0.0.1',
};
let server: ChildHandle;

type Answer = { data: { itineraries: { segments: { id: string }[] }[] }[] };
const get = (path: string) => fetch(`${base}${path}`, { headers: { 'x-api-key': ADMIN } });

beforeAll(async () => {
  server = spawnScript(CLI, ['serve'], env);
  await untilTwoWorkersForked(server);
  await waitFor(
    async () => (await fetch(`${base}/health/live`).catch(() => undefined))?.ok === true,
    30_000,
    'live',
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve with two worker processes', () => {
  it('answers from both, and an inventory change through one is seen by the other', async () => {
    const date = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    let path = '';
    let segment: string | undefined;
    const routes = ['LHR', 'JFK', 'CDG', 'FRA', 'AMS', 'DXB', 'SIN', 'HND', 'LAX', 'ORD'];
    for (const origin of routes) {
      for (const destination of routes) {
        if (origin === destination || segment !== undefined) continue;
        path = `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${date}`;
        const answer = (await (await get(path)).json()) as Answer;
        segment = answer.data[0]?.itineraries[0]?.segments[0]?.id;
      }
    }
    expect(segment).toBeDefined();
    // One connection per request: the primary spreads them over both workers, which both cache it.
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${base}${path}`, {
        headers: { 'x-api-key': ADMIN, connection: 'close' },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const changed = await fetch(`${base}/v1/admin/availability`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ flights: [{ flightId: segment, cabin: 'economy', seatsLeft: 0 }] }),
    });
    expect(changed.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${base}${path}`, {
        headers: { 'x-api-key': ADMIN, connection: 'close' },
      });
      const answer = (await response.json()) as Answer;
      const ids = answer.data.flatMap((offer) =>
        offer.itineraries.flatMap((it) => it.segments.map((s) => s.id)),
      );
      expect(ids).not.toContain(segment);
    }
  });

  it('reports on /metrics the counts of both workers, summed, so no scrape goes backwards', async () => {
    // Each on a connection of its own (fetch would keep one alive, always on the same worker): the
    // primary hands successive connections to alternate workers.
    const get = async (path: string) => {
      const { answer } = await rawExchange(
        base,
        `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`,
      );
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const liveCount = async (): Promise<number> =>
      sampleValue(parsePrometheusText(await get('/metrics')), 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/health/live',
        status_code: '200',
      }) ?? 0;
    const before = await liveCount();
    const seen = [before];
    let made = 0;
    for (let round = 0; round < 6; round++) {
      await Promise.all(Array.from({ length: 25 }, () => get('/health/live')));
      made += 25;
      // Two scrapes per round: one on each worker.
      seen.push(await liveCount(), await liveCount());
    }
    // A request's count lands in its onResponse hook, just after the client has the answer.
    let final = 0;
    for (let attempt = 0; attempt < 50 && final !== before + made; attempt++) final = await liveCount();
    const backwards = seen.filter((value, i) => i > 0 && value < (seen[i - 1] as number));
    expect(backwards, `scrapes: ${seen.join(' → ')}`).toEqual([]);
    expect(Math.max(...seen)).toBeLessThanOrEqual(before + made);
    expect(final, `scrapes: ${seen.join(' → ')}`).toBe(before + made);
  });
});
