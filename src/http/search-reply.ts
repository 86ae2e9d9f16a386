import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SearchPage } from '../core/search/search-results.js';

/**
 * Sends a search page with its cache headers: `x-cache`, `cache-control` with the remaining
 * freshness, and an ETag answering `If-None-Match` with 304.
 */
export function sendSearchPage<T>(request: FastifyRequest, reply: FastifyReply, page: SearchPage<T>) {
  const etag = `"${createHash('sha256')
    .update(`${page.meta.searchId}|${request.url}`)
    .digest('base64url')
    .slice(0, 27)}"`;
  reply
    .header('x-cache', page.cache)
    .header('cache-control', `private, max-age=${page.maxAgeSeconds}`)
    .header('etag', etag);
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
    return reply.code(304).send();
  }
  return { data: page.data, meta: page.meta };
}
