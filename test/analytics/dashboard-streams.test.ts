import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardSessions } from '../../src/core/gateway/dashboard-sessions.js';
import { buildApp } from '../../src/http/app.js';
import {
  type DashboardStream,
  dashboardSessionStatus,
  openDashboardStream,
  signInToDashboard,
  signOutOfDashboard,
} from '../helpers/dashboard-client.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The live dashboard's streams on a real listener: every stream of the process shares one snapshot
 * computation per tick, the number of streams is capped (503 problem+json beyond), and a stream ends
 * when its session does (signed out, key revoked). Ticks are 100 ms here, 2 s by default.
 */
const ADMIN = 'test-admin-key-that-is-long-enough-0000';
const MAX_STREAMS = 12;
const INTERVAL_MS = 100;

let tp: TestPlatform;
let app: FastifyInstance;
let base: string;
let computed = 0;
const opened: DashboardStream[] = [];

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 10, days: 2 });
  const analytics = tp.platform.services.analytics;
  if (analytics === undefined) throw new Error('analytics is on by default');
  // Counts the real service's computations: the observable this test is about.
  const dashboard = analytics.dashboard.bind(analytics);
  analytics.dashboard = () => {
    computed += 1;
    return dashboard();
  };
  app = await buildApp({
    services: tp.platform.services,
    gateway: tp.platform.gateway.options,
    dashboardStreams: { intervalMs: INTERVAL_MS, maxStreams: MAX_STREAMS },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  for (const stream of opened) stream.close();
  await app?.close();
  await tp?.close();
});

async function open(cookie: string): Promise<DashboardStream> {
  const stream = await openDashboardStream(base, cookie);
  opened.push(stream);
  return stream;
}

describe('dashboard streams', () => {
  it('shares one snapshot computation per tick among every stream, and writes each the same frames', async () => {
    const cookie = await signInToDashboard(base, ADMIN);
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS }, () => open(cookie)));
    expect(streams.map((stream) => stream.status)).toEqual(Array(MAX_STREAMS).fill(200));
    expect(streams[0]?.headers['content-type']).toContain('text/event-stream');
    await waitFor('every stream to receive 4 snapshots', () =>
      streams.every((stream) => stream.snapshots.length >= 4),
    );
    const computedSoFar = computed;
    const ticks = 10;
    const received = streams.map((stream) => stream.snapshots.length);
    await waitFor(`${ticks} more ticks`, () =>
      streams.every((stream, i) => stream.snapshots.length >= (received[i] ?? 0) + ticks),
    );
    // One computation per tick for all the streams (each on its own would make it 12 per tick); the
    // slack is for ticks between the last frame arriving and the check.
    expect(computed - computedSoFar).toBeGreaterThanOrEqual(ticks);
    expect(computed - computedSoFar).toBeLessThanOrEqual(ticks + 4);
    // Every stream was sent the same frames: the last frame of each is one and the same snapshot.
    await waitFor(
      'a tick to reach every stream',
      () => new Set(streams.map((s) => s.snapshots.at(-1))).size === 1,
    );
    for (const stream of streams) stream.close();
  });

  it('answers a stream beyond DASHBOARD_MAX_STREAMS 503 problem+json with retry-after, and has room again once one closes', async () => {
    const cookie = await signInToDashboard(base, ADMIN);
    await waitFor('the previous streams to be gone', async () => {
      const probe = await open(cookie);
      probe.close();
      return probe.status === 200;
    });
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS }, () => open(cookie)));
    expect(streams.every((stream) => stream.status === 200)).toBe(true);
    const refused = await open(cookie);
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('10');
    await refused.ended;
    expect(JSON.parse(refused.body)).toMatchObject({
      type: 'https://travel-platform.dev/problems/overloaded',
      status: 503,
      detail: expect.stringContaining('DASHBOARD_MAX_STREAMS'),
    });
    streams[0]?.close();
    await waitFor('room for one more stream', async () => {
      const again = await open(cookie);
      if (again.status === 200) return true;
      await again.ended;
      return false;
    });
    for (const stream of streams) stream.close();
  });

  it('ends the streams and refuses the cookie (a copy of it too) once signed out', async () => {
    const cookie = await signInToDashboard(base, ADMIN);
    const stream = await open(cookie);
    expect(stream.status).toBe(200);
    expect(await signOutOfDashboard(base, cookie)).toBe(204);
    expect(await dashboardSessionStatus(base, cookie)).toBe(401);
    await stream.ended;
    expect((await open(cookie)).status).toBe(401);
    // A sign-in after the sign-out is a new session.
    expect(await dashboardSessionStatus(base, await signInToDashboard(base, ADMIN))).toBe(204);
  });

  it('ends the streams of a revoked admin key and refuses its cookie', async () => {
    const keys = tp.platform.gateway.options.keys;
    const issued = await keys.issue({ name: 'second admin', role: 'admin' });
    const cookie = await signInToDashboard(base, issued.key);
    const stream = await open(cookie);
    expect(stream.status).toBe(200);
    await keys.revoke(issued.record.id);
    await stream.ended;
    expect(await dashboardSessionStatus(base, cookie)).toBe(401);
  });

  it('refuses a tampered cookie and one signed with another secret; verifies one signed with a rotated-out secret', async () => {
    const cookie = await signInToDashboard(base, ADMIN);
    const [kid, payload, mac] = cookie.slice('tp_dashboard='.length).split('.');
    const forged = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { exp: number };
    forged.exp += 86_400_000;
    const tampered = `tp_dashboard=${kid}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
    expect(await dashboardSessionStatus(base, tampered)).toBe(401);

    const marks = tp.platform.store;
    const keys = tp.platform.gateway.options.keys;
    const old = new DashboardSessions({ secrets: ['an-old-secret-of-at-least-32-characters'], keys, marks });
    const rotated = new DashboardSessions({
      secrets: ['a-new-secret-of-at-least-32-characters-', 'an-old-secret-of-at-least-32-characters'],
      keys,
      marks,
    });
    const stranger = new DashboardSessions({
      secrets: ['another-secret-of-at-least-32-characters'],
      keys,
      marks,
    });
    const signedWithOld = old.open('admin');
    expect(await rotated.verify(signedWithOld)).toMatchObject({ keyId: 'admin' });
    expect(await stranger.verify(signedWithOld)).toBeUndefined();
    expect(await dashboardSessionStatus(base, `tp_dashboard=${signedWithOld}`)).toBe(401);
  });
});
