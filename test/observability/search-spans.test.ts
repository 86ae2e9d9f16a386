import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtelTracer } from '../../src/adapters/tracing/otel-tracer.js';
import { createPlatform, type Platform } from '../../src/composition/platform.js';
import { loadConfig } from '../../src/config.js';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { buildApp } from '../../src/http/app.js';

const exporter = new InMemorySpanExporter();
let platform: Platform;
let app: FastifyInstance;
let dir: string;
let date: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-tracing-'));
  const config = loadConfig({
    SQLITE_FILE: join(dir, 'store.db'),
    SEED_ON_START: 'false',
    LOG_LEVEL: 'silent',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ANALYTICS: 'off',
    // Store reads inside a search thread are not spanned (a thread has no tracer): search on the loop.
    SEARCH_THREADS: '0',
  });
  platform = await createPlatform(config, {
    tracer: createOtelTracer({ serviceName: 'travel-platform-test', exporter, immediate: true }),
  });
  date = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await generateDemoInventory(platform.airports.all(), platform.store, {
    airports: 30,
    days: 5,
    seed: 7,
    startDate: new Date().toISOString().slice(0, 10),
  });
  app = await buildApp({ services: platform.services, hardening: platform.gateway.options.hardening });
});
afterAll(async () => {
  await app.close();
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The span tree under `root`, as names indented by depth (children in start order). */
function tree(root: ReadableSpan, spans: readonly ReadableSpan[], depth = 0): string[] {
  const children = spans
    .filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  return [`${'  '.repeat(depth)}${root.name}`, ...children.flatMap((child) => tree(child, spans, depth + 1))];
}

async function tracedSearch(): Promise<{ cache: string; spans: string[] }> {
  exporter.reset();
  const response = await app.inject(`/v1/flights/search?origin=LHR&destination=JFK&departureDate=${date}`);
  expect(response.statusCode).toBe(200);
  // The server span ends once its handler has returned, just after the reply went out.
  await new Promise((resolve) => setImmediate(resolve));
  const spans = exporter.getFinishedSpans();
  const roots = spans.filter((s) => s.name === 'GET /v1/flights/search');
  expect(roots).toHaveLength(1);
  const root = roots[0]!;
  expect(root.parentSpanContext).toBeUndefined();
  expect(root.attributes['http.response.status_code']).toBe(200);
  return { cache: String(response.headers['x-cache']), spans: tree(root, spans) };
}

describe('OpenTelemetry spans of a search', () => {
  it('an uncached search: the HTTP span holds the cache lookup, which holds the store reads of the origin search', async () => {
    const { cache, spans } = await tracedSearch();
    expect(cache).toBe('MISS');
    expect(spans[0]).toBe('GET /v1/flights/search');
    expect(spans).toContain('  cache.getOrSet');
    const storeReads = spans.filter((line) => /^ {4,}store\.inventory\./.test(line));
    expect(storeReads.length).toBeGreaterThan(0);
    expect(storeReads.some((line) => /store\.inventory\.findFlights/.test(line))).toBe(true);
  });

  it('the same search again is cached: the HTTP span holds the cache lookup and no store read', async () => {
    const { cache, spans } = await tracedSearch();
    expect(cache).toBe('HIT');
    expect(spans[0]).toBe('GET /v1/flights/search');
    expect(spans).toContain('  cache.getOrSet');
    expect(spans.filter((line) => line.includes('store.'))).toEqual([]);
  });

  it('without OTEL_EXPORTER_OTLP_ENDPOINT no tracer exists and no port is wrapped', async () => {
    const { createTracer } = await import('../../src/composition/tracing.js');
    expect(await createTracer(loadConfig({}))).toBeUndefined();
  });
});
