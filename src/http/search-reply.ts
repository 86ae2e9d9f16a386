import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SearchPage, SearchPageContent } from '../core/search/search-results.js';

/** A page as it goes on the wire: serialised once, with its entity tag and length. */
export interface PreparedPage {
  body: Buffer;
  etag: string;
  contentLength: string;
}

/**
 * Bytes of each page, keyed by the page's immutable content object: the search results keep a
 * bounded set of those, and when one is dropped its bytes go with it.
 */
const prepared = new WeakMap<SearchPageContent<unknown>, PreparedPage>();

export const JSON_TYPE = 'application/json; charset=utf-8';

/** The page's bytes if a route already serialised them (the cached-search front only sends those). */
export function preparedBytes(content: SearchPageContent<unknown>): PreparedPage | undefined {
  return prepared.get(content);
}

/**
 * The page's bytes, serialised the first time through the route's own response serializer (so the
 * bytes are exactly what the schema-driven path would send) and reused by every later request.
 */
function preparedPage<T>(reply: FastifyReply, content: SearchPageContent<T>): PreparedPage {
  const known = prepared.get(content as SearchPageContent<unknown>);
  if (known !== undefined) return known;
  const serialised = reply.serialize({ data: content.data, meta: content.meta });
  const body =
    typeof serialised === 'string'
      ? Buffer.from(serialised, 'utf8')
      : Buffer.isBuffer(serialised)
        ? serialised
        : Buffer.from(new Uint8Array(serialised));
  const page: PreparedPage = {
    body,
    // The content's hash: equal bytes, equal tag, whichever spelling of the query asked.
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    contentLength: String(body.length),
  };
  prepared.set(content as SearchPageContent<unknown>, page);
  return page;
}

/** Whether `If-None-Match` names `etag` (a weak comparison is not needed: tags are strong). */
export function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch === etag) return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim() === etag);
}

/**
 * Sends a search page with its cache headers: `x-cache`, `cache-control` with the remaining
 * freshness, and an ETag answering `If-None-Match` with 304. The body is the page's prepared bytes:
 * a cached page costs a lookup and a socket write, not a serialisation.
 */
export function sendSearchPage<T>(request: FastifyRequest, reply: FastifyReply, page: SearchPage<T>) {
  const bytes = preparedPage(reply, page.content);
  reply.headers({
    'x-cache': page.cache,
    'cache-control': `private, max-age=${page.maxAgeSeconds}`,
    etag: bytes.etag,
  });
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string' && matches(ifNoneMatch, bytes.etag)) {
    return reply.code(304).send();
  }
  reply.headers({ 'content-type': JSON_TYPE, 'content-length': bytes.contentLength });
  return reply.send(bytes.body);
}
