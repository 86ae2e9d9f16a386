import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHandle, spawnScript, untilTwoWorkersForked } from '../helpers/api-process.js';
import { type RawAnswer, rawExchange } from '../helpers/raw-http.js';
import { randomPort, waitFor } from '../helpers/redis-server.js';

/**
 * `serve` as `npm start` runs it: two worker processes, each with its own in-process cache
 * (CACHE=memory); and the same with the shared Redis cache. Successive connections go to alternate
 * workers, so page 2 by cursor and a revalidation by ETag reach the worker that did not answer
 * page 1: both must still be answered, because a snapshot's id, and so its cursors and entity tags,
 * is derived from its content (with CACHE=memory that worker searches again and finds the same id).
 */
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ADMIN = 'cluster-paging-admin-key-0000000000000000';

interface Page {
  data: { id: string; itineraries: { segments: { id: string }[] }[] }[];
  meta: { searchId: string; nextCursor: string | null; total: number; count: number };
}

/** One request on a connection of its own: the primary hands each new connection to the next worker. */
async function getFrom(base: string, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const { answer } = await rawExchange(
    base,
    `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: ${ADMIN}\r\n${extra}connection: close\r\n\r\n`,
  );
  return answer;
}

/** What an offer is, apart from its id (which carries the moment it was signed). */
const journey = (offer: Page['data'][number]): string =>
  offer.itineraries.map((it) => it.segments.map((s) => s.id).join(',')).join('|');

describe.each<{ cache: string; env: Record<string, string> }>([
  { cache: 'memory', env: { CACHE: 'memory' } },
  { cache: 'redis', env: { CACHE: 'redis', CACHE_KEY_PREFIX: `test-cluster-paging-${randomUUID()}` } },
])('paging and revalidating across two worker processes with CACHE=$cache', ({ env: cacheEnv }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-cluster-paging-'));
  const port = randomPort();
  const base = `http://127.0.0.1:${port}`;
  const get = (path: string, headers: Record<string, string> = {}) => getFrom(base, path, headers);
  let server: ChildHandle;
  let path = '';

  beforeAll(async () => {
    server = spawnScript(CLI, ['serve'], {
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
      ...cacheEnv,
    });
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

  it('finds a search with more than one page', async () => {
    const date = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const airports = ['LHR', 'JFK', 'CDG', 'FRA', 'AMS', 'DXB', 'SIN', 'HND', 'LAX', 'ORD'];
    for (const origin of airports) {
      for (const destination of airports) {
        if (origin === destination || path !== '') continue;
        const candidate = `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${date}&limit=2`;
        const answer = await get(candidate);
        if (answer.status === 200 && (JSON.parse(answer.body) as Page).meta.total >= 4) path = candidate;
      }
    }
    expect(path).not.toBe('');
  }, 60_000);

  it('serves page 2 by cursor from either worker, 10 times over, with the same pages', async () => {
    const seen = new Set<string>();
    let firstJourneys: string[] | undefined;
    let secondJourneys: string[] | undefined;
    for (let round = 0; round < 10; round++) {
      const first = await get(path);
      expect(first.status).toBe(200);
      const page1 = JSON.parse(first.body) as Page;
      seen.add(page1.meta.searchId);
      expect(page1.meta.nextCursor).toBeTruthy();
      const second = await get(`${path}&cursor=${encodeURIComponent(page1.meta.nextCursor as string)}`);
      expect(second.status, second.body).toBe(200);
      const page2 = JSON.parse(second.body) as Page;
      expect(page2.meta.searchId).toBe(page1.meta.searchId);
      firstJourneys ??= page1.data.map(journey);
      secondJourneys ??= page2.data.map(journey);
      expect(page1.data.map(journey)).toEqual(firstJourneys);
      expect(page2.data.map(journey)).toEqual(secondJourneys);
      for (const offer of page2.data) expect(firstJourneys).not.toContain(journey(offer));
    }
    expect([...seen]).toHaveLength(1);
  }, 60_000);

  it('answers If-None-Match with 304 from either worker, on page 1 and on page 2', async () => {
    const first = await get(path);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const cursor = (JSON.parse(first.body) as Page).meta.nextCursor as string;
    const second = await get(`${path}&cursor=${encodeURIComponent(cursor)}`);
    const etag2 = second.headers.etag as string;
    expect(etag2).toBeTruthy();
    expect(etag2).not.toBe(etag);
    for (let round = 0; round < 10; round++) {
      const again = await get(path, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.headers.etag).toBe(etag);
      const again2 = await get(`${path}&cursor=${encodeURIComponent(cursor)}`, { 'if-none-match': etag2 });
      expect(again2.status).toBe(304);
    }
  }, 60_000);
});
