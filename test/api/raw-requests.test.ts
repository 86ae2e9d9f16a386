import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawAnswer, rawExchange } from '../helpers/raw-http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Requests Node's HTTP server refuses before the app sees them are still problem+json with the
 * security headers and a request id; a request refused at authentication never has its body read.
 */

const PROBLEM_BASE = 'https://travel-platform.dev/problems/';
let tp: TestPlatform;
/** Security headers of an ordinary answer, by name. */
let securityHeaders: string[];

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 12, days: 2 });
  const ordinary = await fetch(`${tp.baseUrl}/health/live`);
  securityHeaders = [...ordinary.headers.keys()]
    .filter(
      (name) =>
        name.startsWith('x-') ||
        name.startsWith('cross-origin') ||
        name.endsWith('-policy') ||
        name === 'strict-transport-security' ||
        name === 'origin-agent-cluster',
    )
    .filter((name) => name !== 'x-request-id');
});
afterAll(() => tp.close());

function expectRawProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status, answer.body.slice(0, 200)).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  for (const name of securityHeaders) expect(answer.headers[name], name).toBeDefined();
  const body = JSON.parse(answer.body) as { type: string; status: number; title: string; detail: string };
  expect(body.type).toBe(`${PROBLEM_BASE}${code}`);
  expect(body.status).toBe(status);
  expect(body.title.length).toBeGreaterThan(0);
}

describe('errors raised before the app sees the request', () => {
  it('reads the security headers of an ordinary answer (so the comparison below means something)', () => {
    expect(securityHeaders).toEqual(
      expect.arrayContaining(['x-content-type-options', 'x-frame-options', 'content-security-policy']),
    );
  });

  it('headers too large: 431 problem+json', async () => {
    const { answer } = await rawExchange(
      tp.baseUrl,
      `GET /health/live HTTP/1.1\r\nhost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectRawProblem(answer, 431, 'headers-too-large');
  });

  it('URL too long: 414 problem+json', async () => {
    const { answer } = await rawExchange(
      tp.baseUrl,
      `GET /v1/locations?q=${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`,
    );
    expectRawProblem(answer, 414, 'uri-too-long');
  });

  it.each([
    ['a malformed request line', 'NOT A REQUEST\r\n\r\n'],
    ['a header name with a space', 'GET /health/live HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n'],
    ['a bare LF in a header value', 'GET /health/live HTTP/1.1\r\nhost: x\r\nx-a: 1\rb\r\n\r\n'],
  ])('%s: 400 problem+json', async (_label, head) => {
    const { answer } = await rawExchange(tp.baseUrl, head);
    expectRawProblem(answer, 400, 'invalid-request');
  });
});

describe('a request without credentials', () => {
  it('is refused before its body is read: a 50 MB body is answered 401 and the connection closed', async () => {
    const size = 50 * 1024 * 1024;
    const { answer, bodyBytesWritten } = await rawExchange(
      tp.baseUrl,
      `POST /v1/bookings HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${size}\r\n\r\n`,
      size,
    );
    expectRawProblem(answer, 401, 'invalid-api-key');
    expect(answer.headers.connection).toBe('close');
    // Only what the sockets' buffers took before the server closed, far from the 50 MB sent for.
    expect(bodyBytesWritten).toBeLessThan(size / 2);
  });

  it('with an API key but no bearer token, a booking body is not read either', async () => {
    const size = 50 * 1024 * 1024;
    const { answer, bodyBytesWritten } = await rawExchange(
      tp.baseUrl,
      `POST /v1/bookings HTTP/1.1\r\nhost: x\r\nx-api-key: ${tp.apiKey}\r\ncontent-type: application/json\r\ncontent-length: ${size}\r\n\r\n`,
      size,
    );
    expectRawProblem(answer, 401, 'invalid-token');
    expect(bodyBytesWritten).toBeLessThan(size / 2);
  });
});
