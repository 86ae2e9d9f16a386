import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SearchPage } from '../core/search/search-results.js';
import type { CacheOutcome } from '../ports/cache.js';

/** A page as it goes on the wire: serialised once, with its entity tag and length. */
export interface PreparedPage {
  body: Buffer;
  etag: string;
  contentLength: string;
}

/**
 * Bytes of each answer, keyed by its immutable content object (a page's content, a cached list of
 * locations): the caches keep a bounded set of those, and when one is dropped its bytes go with it.
 */
const prepared = new WeakMap<object, PreparedPage>();

const JSON_TYPE = 'application/json; charset=utf-8';

/** The bytes of `content` if a route already serialised them (the cached-search front only sends those). */
export function preparedBytes(content: object): PreparedPage | undefined {
  return prepared.get(content);
}

/**
 * The bytes of `content`, serialised the first time through the route's own response serializer
 * (so they are exactly what the schema-driven path would send) and reused by every later request.
 */
function prepare(
  reply: FastifyReply,
  content: object,
  payload: () => unknown,
  version?: string,
): PreparedPage {
  const known = prepared.get(content);
  if (known !== undefined) return known;
  const serialised = reply.serialize(payload());
  const body =
    typeof serialised === 'string'
      ? Buffer.from(serialised, 'utf8')
      : Buffer.isBuffer(serialised)
        ? serialised
        : Buffer.from(new Uint8Array(serialised));
  const page: PreparedPage = {
    body,
    etag: entityTag(body, version),
    contentLength: String(body.length),
  };
  prepared.set(content, page);
  return page;
}

/**
 * The entity tag of an answer. A search page has a `version` (SearchPageContent): the tag is weak
 * and made from it, because two workers that computed the same result send the same offers with
 * other signing times in their ids, so the bytes differ while the page does not, and a client's
 * If-None-Match must get its 304 from either. Without one, the tag is the bytes' hash (strong).
 * Either way, whichever spelling of the query asked, an equal answer has an equal tag.
 */
function entityTag(body: Buffer, version: string | undefined): string {
  if (version !== undefined)
    return `W/"${createHash('sha256').update(version).digest('base64url').slice(0, 27)}"`;
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** The body of a locations answer: the list and its (single-page) meta. */
export const locationsBody = (data: readonly unknown[]) => ({
  data,
  meta: { count: data.length, nextCursor: null },
});

/** An answer held ready: its prepared bytes, the `x-cache` it carries, and for a search page its freshness. */
export interface ReadyAnswer {
  bytes: PreparedPage;
  cache: CacheOutcome;
  /**
   * Seconds the answer stays fresh; set on search pages, which carry `cache-control` and an ETag and
   * answer If-None-Match with 304. Absent on answers sent with `x-cache` only (locations).
   */
  maxAgeSeconds?: number | undefined;
}

/** How a ready answer goes out: its status, its headers, and the entity headers of a 200's body. */
export interface AnswerHead {
  status: 200 | 304;
  /** Flat name, value list: `x-cache`, and on a page `cache-control` and `etag`. */
  headers: string[];
  /** `content-type` and `content-length` of the body; empty on a 304, which has none. */
  entity: string[];
}

/**
 * The one description of a cached answer's head, for the route and the cached-search front alike:
 * a page asked with an `If-None-Match` naming its ETag is a 304 without a body.
 */
export function answerHead(answer: ReadyAnswer, ifNoneMatch: string | string[] | undefined): AnswerHead {
  const { bytes, maxAgeSeconds } = answer;
  const headers = ['x-cache', answer.cache];
  if (maxAgeSeconds === undefined)
    return {
      status: 200,
      headers,
      entity: ['content-type', JSON_TYPE, 'content-length', bytes.contentLength],
    };
  headers.push('cache-control', cacheControl(maxAgeSeconds), 'etag', bytes.etag);
  if (typeof ifNoneMatch === 'string' && matches(ifNoneMatch, bytes.etag))
    return { status: 304, headers, entity: [] };
  return { status: 200, headers, entity: ['content-type', JSON_TYPE, 'content-length', bytes.contentLength] };
}

/** Sends a ready answer through Fastify: the head `answerHead` describes, then the body unless 304. */
function sendReady(request: FastifyRequest, reply: FastifyReply, answer: ReadyAnswer) {
  const head = answerHead(answer, request.headers['if-none-match']);
  setHeaders(reply, head.headers);
  if (head.status === 304) return reply.code(304).send();
  setHeaders(reply, head.entity);
  return reply.send(answer.bytes.body);
}

function setHeaders(reply: FastifyReply, flat: readonly string[]): void {
  for (let i = 0; i < flat.length; i += 2) reply.header(flat[i] as string, flat[i + 1]);
}

/** Sends a list of locations (an immutable cached list) from its prepared bytes, with `x-cache`. */
export function sendLocations(
  request: FastifyRequest,
  reply: FastifyReply,
  data: readonly object[],
  cache: CacheOutcome,
) {
  return sendReady(request, reply, { bytes: prepare(reply, data, () => locationsBody(data)), cache });
}

/** `cache-control` of a search page with `maxAgeSeconds` of freshness left. */
const cacheControl = (maxAgeSeconds: number): string => `private, max-age=${maxAgeSeconds}`;

/** Whether `If-None-Match` names `etag`, by the weak comparison RFC 9110 asks of it (`W/` aside). */
function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch === etag) return true;
  const opaque = weakless(etag);
  return ifNoneMatch.split(',').some((tag) => weakless(tag.trim()) === opaque);
}

const weakless = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * Sends a search page with its cache headers: `x-cache`, `cache-control` with the remaining
 * freshness, and an ETag answering `If-None-Match` with 304. The body is the page's prepared bytes:
 * a cached page costs a lookup and a socket write, not a serialisation.
 */
export function sendSearchPage<T>(request: FastifyRequest, reply: FastifyReply, page: SearchPage<T>) {
  const bytes = prepare(
    reply,
    page.content,
    () => ({ data: page.content.data, meta: page.content.meta }),
    page.content.version,
  );
  return sendReady(request, reply, { bytes, cache: page.cache, maxAgeSeconds: page.maxAgeSeconds });
}
