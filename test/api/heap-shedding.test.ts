import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { hardening } from '../../src/http/plugins/hardening.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const OVERLOADED = 'https://travel-platform.dev/problems/overloaded';

/** About `megabytes` MB of live heap: small objects, as cached search results are. */
function ballast(megabytes: number): object[] {
  return Array.from({ length: megabytes * 1024 }, (_, i) => ({
    values: Array.from({ length: 124 }, (_, j) => i + j),
  }));
}

describe('shedding for memory never locks the server', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** A server with the hardening plugin and a heap bound `overMb` above what is live now. */
  async function serverWithBound(overMb: number, relieveMemory: () => void): Promise<FastifyInstance> {
    gc();
    const bound = process.memoryUsage().heapUsed + overMb * 2 ** 20;
    const server = Fastify();
    await server.register(hardening, {
      corsOrigins: [],
      maxEventLoopDelayMs: 0,
      maxHeapUsedBytes: bound,
      sampleIntervalMs: 50,
      relieveMemory,
    });
    server.get('/v1/ping', async () => ({ ok: true }));
    await server.ready();
    return server;
  }

  it('over its bound the server gives back what it can rebuild, and keeps serving', async () => {
    let cached: object[] = [];
    let relieved = 0;
    app = await serverWithBound(60, () => {
      relieved += 1;
      cached = [];
    });
    cached = ballast(120);
    gc(); // V8 would collect in full soon enough; here it is told to, so the live heap is known now.

    await waitFor('the cache to give memory back', () => relieved > 0, 5_000);
    expect(cached).toHaveLength(0);
    expect((await app.inject('/v1/ping')).statusCode).toBe(200);
  });

  it('sheds while memory stays over its bound, and serves again within seconds of it being freed', async () => {
    app = await serverWithBound(60, () => {});
    let held = ballast(120);
    gc();
    await waitFor('load shedding', async () => (await app!.inject('/v1/ping')).statusCode === 503, 5_000);
    const shed = await app.inject('/v1/ping');
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.json()).toMatchObject({ type: OVERLOADED, status: 503 });

    // The load stops: what it held becomes garbage. No request allocates; the server must still see it.
    held = [];
    const freedAt = performance.now();
    await waitFor('serving again', async () => (await app!.inject('/v1/ping')).statusCode === 200, 10_000);
    expect(held).toHaveLength(0);
    expect(performance.now() - freedAt).toBeLessThan(8_000);
  });

  it('MAX_HEAP_USED_BYTES=0 disables shedding for memory', async () => {
    expect(loadConfig({ MAX_HEAP_USED_BYTES: '0' }).maxHeapUsedBytes).toBe(0);
    const held = ballast(60);
    gc();
    const server = Fastify();
    await server.register(hardening, {
      corsOrigins: [],
      maxEventLoopDelayMs: 0,
      maxHeapUsedBytes: 0,
      sampleIntervalMs: 20,
    });
    server.get('/v1/ping', async () => ({ ok: true }));
    app = server;
    await server.ready();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.isUnderPressure()).toBe(false);
    expect((await server.inject('/v1/ping')).statusCode).toBe(200);
    expect(held.length).toBeGreaterThan(0);
  });
});

describe('health routes while load is shed', () => {
  let tp: TestPlatform;
  beforeAll(async () => {
    // A heap bound of one byte: once load is first sampled, every request is shed.
    tp = await startTestPlatform({ airports: 5, days: 1, env: { MAX_HEAP_USED_BYTES: '1' } });
    await waitFor('load shedding', async () => (await fetch(`${tp.baseUrl}/health/ready`)).status === 503);
  });
  afterAll(() => tp.close());

  it('/health/live answers 200: the process is alive and answering', async () => {
    const live = await fetch(`${tp.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('/health/ready answers 503 overloaded problem details, as documented', async () => {
    const ready = await fetch(`${tp.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(await ready.json()).toMatchObject({ type: OVERLOADED, status: 503, instance: '/health/ready' });
  });

  it('searches are shed with the same problem', async () => {
    const search = await tp.fetch(
      `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(0)}`,
    );
    expect(search.status).toBe(503);
    expect(await search.json()).toMatchObject({ type: OVERLOADED });
  });
});
