import type { DomainErrorCode, FieldError } from '../core/errors.js';

/** Base of every problem `type` URI; the path names the code. */
export const PROBLEM_BASE = 'https://travel-platform.dev/problems/';

/** Codes the HTTP layer adds to the domain's (transport-level failures). */
export type HttpProblemCode =
  | 'invalid-request'
  | 'route-not-found'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'internal-error';

export type ProblemCode = DomainErrorCode | HttpProblemCode;

/** Every problem the API answers, with its status and title. Documented in the README and OpenAPI. */
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
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
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
