import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { replyWithProblem } from '../problems.js';

/**
 * Who may read `/metrics` (Node version, request and business volumes):
 *
 * - with METRICS_TOKEN set, whoever sends `authorization: Bearer <token>` — Prometheus's
 *   `authorization` scrape setting — from any address;
 * - without it, only a scraper on this machine: a loopback peer whose request carries no forwarding
 *   header (a reverse proxy on the same machine connects from loopback too, but says whom for).
 *
 * So `npm start` answers `curl localhost:3000/metrics`, and a deployment exposes nothing until an
 * operator sets the token. Where no peer is really local (Lambda: `localScrapers` false), only the
 * token opens it.
 */
export function refuseUnlessMayScrape(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
  localScrapers: boolean,
): FastifyReply | undefined {
  if (token !== undefined) {
    if (sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) return undefined;
    reply.header('www-authenticate', 'Bearer realm="metrics"');
    return replyWithProblem(
      request,
      reply,
      'invalid-token',
      'GET /metrics needs the METRICS_TOKEN bearer token',
    );
  }
  if (localScrapers && isLocalPeer(request)) return undefined;
  return replyWithProblem(
    request,
    reply,
    'metrics-not-exposed',
    localScrapers
      ? 'GET /metrics answers scrapers on this machine only; set METRICS_TOKEN to scrape it with a bearer token'
      : 'GET /metrics is closed here; set METRICS_TOKEN to scrape it with a bearer token',
  );
}

/** Compared as digests, so neither length nor content leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function isLocalPeer(request: FastifyRequest): boolean {
  const headers = request.headers;
  if (headers.forwarded !== undefined || headers['x-forwarded-for'] !== undefined) return false;
  const address = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}
