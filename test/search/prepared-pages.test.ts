import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * A search page is serialised once and kept as bytes with its ETag and length; every later request
 * for it is answered with those bytes. These tests check what a client sees of that: identical
 * bytes, a content-length that is the body's, a stable ETag answering If-None-Match with 304, and
 * bodies that conform to the schema the OpenAPI document declares.
 */

const addFormats = addFormatsModule as unknown as (typeof addFormatsModule)['default'];
const DOC_ID = 'https://travel-platform.test/openapi.json';

let tp: TestPlatform;
let ajv: Ajv2020;

async function flightPath(): Promise<string> {
  for (const route of (await tp.platform.store.listRoutes()).slice(0, 40)) {
    const path = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(1)}&limit=3`;
    const response = await tp.fetch(path);
    const body = (await response.json()) as { data: unknown[]; meta: { total: number } };
    if (response.status === 200 && body.meta.total > 3) return path;
  }
  throw new Error('no route with more than one page of offers');
}

function expectConforms(route: string, body: unknown): void {
  const pointer = ['paths', route, 'get', 'responses', '200', 'content', 'application/json', 'schema']
    .map((token) => token.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/');
  const validate = ajv.getSchema(`${DOC_ID}#/${pointer}`);
  expect(validate).toBeDefined();
  validate?.(body);
  expect(validate?.errors ?? []).toEqual([]);
}

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 4 });
  const doc = (await (await fetch(`${tp.baseUrl}/openapi.json`)).json()) as object;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: DOC_ID });
});

afterAll(async () => {
  await tp?.close();
});

describe('byte-cached search pages', () => {
  it('sends the same bytes, length and ETag for every hit of a page', async () => {
    const path = await flightPath();
    const first = await tp.fetch(path);
    const second = await tp.fetch(path);
    expect(second.headers.get('x-cache')).toBe('HIT');
    const [a, b] = [Buffer.from(await first.arrayBuffer()), Buffer.from(await second.arrayBuffer())];
    expect(b.equals(a)).toBe(true);
    expect(second.headers.get('content-length')).toBe(String(b.length));
    expect(second.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(second.headers.get('etag')).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
  });

  it('gives each page its own ETag, and the same one to another spelling of the same query', async () => {
    const path = await flightPath();
    const page1 = await tp.fetch(path);
    const { meta } = (await page1.json()) as { meta: { nextCursor: string } };
    const page2 = await tp.fetch(`${path}&cursor=${encodeURIComponent(meta.nextCursor)}`);
    expect(page2.status).toBe(200);
    expect(page2.headers.get('etag')).not.toBe(page1.headers.get('etag'));
    const respelled = await tp.fetch(`${path.replace('&limit=3', '')}&adults=1&limit=3`);
    expect(respelled.headers.get('etag')).toBe(page1.headers.get('etag'));
  });

  it('answers If-None-Match with 304 and no body, and a changed tag with the page', async () => {
    const path = await flightPath();
    const etag = (await tp.fetch(path)).headers.get('etag') as string;
    const notModified = await tp.fetch(path, { headers: { 'if-none-match': `"other", ${etag}` } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(await notModified.text()).toBe('');
    const changed = await tp.fetch(path, { headers: { 'if-none-match': '"not-this-one"' } });
    expect(changed.status).toBe(200);
  });

  it('serves hits that conform to the documented response schema', async () => {
    const path = await flightPath();
    await tp.fetch(path);
    const hit = await tp.fetch(path);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expectConforms('/v1/flights/search', await hit.json());
  });
});
