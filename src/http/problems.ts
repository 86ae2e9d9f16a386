import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DomainErrorCode, FieldError } from '../core/errors.js';

/** Base of every problem `type` URI; the path names the code. */
export const PROBLEM_BASE = 'https://travel-platform.dev/problems/';

/** Codes the HTTP layer adds to the domain's (transport-level failures). */
export type HttpProblemCode =
  | 'invalid-api-key'
  | 'invalid-token'
  | 'metrics-not-exposed'
  | 'admin-key-required'
  | 'api-key-not-found'
  | 'rate-limited'
  | 'quota-exceeded'
  | 'rate-limiter-unavailable'
  | 'token-keys-unavailable'
  | 'overloaded'
  | 'invalid-request'
  | 'uri-too-long'
  | 'headers-too-large'
  | 'request-timeout'
  | 'route-not-found'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'request-blocked'
  | 'bad-gateway'
  | 'gateway-timeout'
  | 'internal-error';

export type ProblemCode = DomainErrorCode | HttpProblemCode;

/** Every problem the API answers, with its status and title. Documented in docs/problems.md (generated) and OpenAPI. */
export const PROBLEMS: Readonly<Record<ProblemCode, { status: number; title: string }>> = {
  'validation-failed': { status: 400, title: 'The request has invalid fields' },
  'invalid-request': { status: 400, title: 'The request is malformed' },
  'not-found': { status: 404, title: 'Resource not found' },
  'route-not-found': { status: 404, title: 'No such route' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'offer-not-found': { status: 404, title: 'Offer not found' },
  'offer-expired': { status: 410, title: 'Offer expired' },
  'search-expired': { status: 410, title: 'Search expired' },
  'price-changed': { status: 409, title: 'Price changed' },
  'sold-out': { status: 409, title: 'Sold out' },
  'booking-not-found': { status: 404, title: 'Booking not found' },
  'booking-not-cancellable': { status: 409, title: 'Booking can no longer be cancelled' },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key already used with another request',
  },
  'idempotency-key-in-use': { status: 409, title: 'A request with this idempotency key is in progress' },
  'import-not-found': { status: 404, title: 'Import not found' },
  'import-kind-unavailable': { status: 400, title: 'This import kind is not available' },
  'invalid-api-key': { status: 401, title: 'Missing or invalid API key' },
  'invalid-token': { status: 401, title: 'Missing or invalid bearer token' },
  'admin-key-required': { status: 403, title: 'Admin API key required' },
  'metrics-not-exposed': { status: 403, title: 'Metrics are not exposed to this client' },
  'api-key-not-found': { status: 404, title: 'API key not found' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'quota-exceeded': { status: 429, title: 'Daily quota exceeded' },
  'rate-limiter-unavailable': { status: 503, title: 'Rate limiter unavailable' },
  'token-keys-unavailable': { status: 503, title: 'Token issuer keys unavailable' },
  overloaded: { status: 503, title: 'Server overloaded' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'uri-too-long': { status: 414, title: 'URI too long' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
  // Answered by API Gateway and AWS WAF in front of the AWS deployment (infra/lib/gateway-responses.ts).
  'request-blocked': { status: 403, title: 'Request blocked by the web application firewall' },
  'bad-gateway': { status: 502, title: 'The API function failed to answer' },
  'gateway-timeout': { status: 504, title: 'The API function did not answer in time' },
  'internal-error': { status: 500, title: 'Internal error' },
};

/** An RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problem(
  code: ProblemCode,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  const { status, title } = PROBLEMS[code];
  return { type: `${PROBLEM_BASE}${code}`, title, status, detail, ...extensions };
}

/** Answers `request` with the problem `code` as application/problem+json. */
export function replyWithProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ProblemCode,
  detail: string,
  extensions: Record<string, unknown> = {},
): FastifyReply {
  return sendProblem(reply, problem(code, detail, { instance: request.url.split('?')[0], ...extensions }));
}

/** Sends a problem body with its status as application/problem+json. */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}
