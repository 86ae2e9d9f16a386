import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHandle, spawnScript, untilTwoWorkersForked } from '../helpers/api-process.js';
import {
  dashboardSessionStatus,
  openDashboardStream,
  signInToDashboard,
  signOutOfDashboard,
} from '../helpers/dashboard-client.js';
import { randomPort, waitFor } from '../helpers/redis-server.js';

/**
 * A dashboard session opened on one worker of `serve` (WORKERS=2) holds on every connection, which
 * the primary hands to either worker, and ends on all of them when signed out or its key revoked
 * (within the 1 s a key's state is cached). Sessions once lived in one worker's memory: other
 * connections then alternated 401 and 204.
 */
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ADMIN = 'dashboard-cluster-admin-key-0000000000000';
/** A key's state (active, signed out) is trusted this long by each worker. */
const KEY_STATE_CACHE_MS = 1_000;
const CONNECTIONS = 20;
const dir = mkdtempSync(join(tmpdir(), 'tp-dashboard-cluster-'));
const port = randomPort();
const base = `http://127.0.0.1:${port}`;
let server: ChildHandle;

beforeAll(async () => {
  server = spawnScript(CLI, ['serve'], {
    SQLITE_FILE: join(dir, 'store.db'),
    ADMIN_API_KEY: ADMIN,
    SEED_ON_START: 'false',
    // Every request logged, with the pid of the worker that answered it (see beforeAll).
    LOG_LEVEL: 'debug',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    SEARCH_THREADS: '0',
    WORKERS: '2',
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  await untilTwoWorkersForked(server);
  // "serving with 2" is printed once the second worker is forked, not listening: until it listens
  // every connection goes to the first, and a session held in one worker's memory would pass.
  await waitFor(
    async () => {
      const answer = await fetch(`${base}/health/live`, { headers: { connection: 'close' } }).catch(
        () => undefined,
      );
      await answer?.arrayBuffer();
      const answering = new Set(
        [...server.output().matchAll(/"pid":(\d+)[^\n]*"reqId"/g)].map((match) => match[1]),
      );
      return answering.size === 2;
    },
    60_000,
    'both workers to answer',
  );
}, 150_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The status of `GET /dashboard/session` on `CONNECTIONS` new connections. */
const statusesOnNewConnections = (cookie: string) =>
  Promise.all(Array.from({ length: CONNECTIONS }, () => dashboardSessionStatus(base, cookie)));

const afterKeyStateCache = () => new Promise((resolve) => setTimeout(resolve, KEY_STATE_CACHE_MS + 200));

describe('dashboard sessions across the workers of serve', () => {
  it('signs in on one connection and holds on every other, live streams included', async () => {
    const cookie = await signInToDashboard(base, ADMIN);
    expect(await statusesOnNewConnections(cookie)).toEqual(Array(CONNECTIONS).fill(204));
    const streams = await Promise.all(Array.from({ length: 6 }, () => openDashboardStream(base, cookie)));
    try {
      expect(streams.map((stream) => stream.status)).toEqual(Array(6).fill(200));
      await waitFor(
        async () => streams.every((stream) => stream.snapshots.length > 0),
        20_000,
        'a snapshot on every stream',
      );
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('ends the session on every worker when signed out', async () => {
    const cookie = await signInToDashboard(base, ADMIN);
    expect(await statusesOnNewConnections(cookie)).toEqual(Array(CONNECTIONS).fill(204));
    expect(await signOutOfDashboard(base, cookie)).toBe(204);
    await afterKeyStateCache();
    expect(await statusesOnNewConnections(cookie)).toEqual(Array(CONNECTIONS).fill(401));
  });

  it("ends an admin key's sessions on every worker when the key is revoked", async () => {
    const issued = await fetch(`${base}/v1/admin/api-keys`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ name: 'second admin', role: 'admin' }),
    });
    expect(issued.status).toBe(201);
    const { id, key } = (await issued.json()) as { id: string; key: string };
    const cookie = await signInToDashboard(base, key);
    expect(await statusesOnNewConnections(cookie)).toEqual(Array(CONNECTIONS).fill(204));
    const revoked = await fetch(`${base}/v1/admin/api-keys/${id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': ADMIN, connection: 'close' },
    });
    expect(revoked.status).toBeLessThan(300);
    await afterKeyStateCache();
    expect(await statusesOnNewConnections(cookie)).toEqual(Array(CONNECTIONS).fill(401));
  });
});
