import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type ProblemCode, problem } from './problems.js';

/**
 * Security headers of answers the app never sees (the same set the hardening plugin's helmet sends,
 * with a content policy that allows nothing, since these answers are never rendered).
 */
export const RAW_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/** Node's clientError: `rawPacket` is what had been received (a Buffer at run time). */
type ClientError = Error & { code?: string; rawPacket?: unknown };

/** The problem a parse error of Node's HTTP server stands for. */
function classify(error: ClientError): { code: ProblemCode; detail: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { code: 'request-timeout', detail: 'the request was not received in time' };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // Node's header limit covers the request line too: when the request line alone takes half of
    // it (or has no end yet), the URL is what is too long.
    const received = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined;
    const lineEnd = received?.indexOf('\r\n') ?? -1;
    return received && (lineEnd < 0 || lineEnd >= maxHeaderSize / 2)
      ? { code: 'uri-too-long', detail: 'the request line (method and URL) is longer than allowed' }
      : { code: 'headers-too-large', detail: 'the request headers are larger than allowed' };
  }
  return { code: 'invalid-request', detail: 'the request line or headers are malformed' };
}

/**
 * Answers errors Node's HTTP server raises before any route sees the request (headers or URL too
 * large, malformed request line or headers, request timeout) as problem+json with the security
 * headers and a request id, then closes the connection: Fastify's `clientErrorHandler`.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, detail } = classify(error);
  const body = JSON.stringify(problem(code, detail));
  const { status } = JSON.parse(body) as { status: number };
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    'x-request-id': randomUUID(),
    ...RAW_SECURITY_HEADERS,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
    socket.once('finish', () => socket.destroy());
  } else socket.destroy();
}
