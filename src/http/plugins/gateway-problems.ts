import type { FastifyReply, FastifyRequest } from 'fastify';

/** Base of every problem `type` URI. */
export const PROBLEM_BASE = 'https://travel-platform.dev/problems/';

/**
 * The problems the gateway answers with, each with its status and title; the RFC 9457 `type`
 * is `PROBLEM_BASE` + code.
 */
export const GATEWAY_PROBLEMS = {
  'invalid-api-key': { status: 401, title: 'Missing or invalid API key' },
  'invalid-token': { status: 401, title: 'Missing or invalid bearer token' },
  'admin-key-required': { status: 403, title: 'Admin API key required' },
  'api-key-not-found': { status: 404, title: 'API key not found' },
  'validation-failed': { status: 400, title: 'Invalid request' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'quota-exceeded': { status: 429, title: 'Daily quota exceeded' },
  'rate-limiter-unavailable': { status: 503, title: 'Rate limiter unavailable' },
  'token-keys-unavailable': { status: 503, title: 'Token issuer keys unavailable' },
  overloaded: { status: 503, title: 'Server overloaded' },
} as const satisfies Record<string, { status: number; title: string }>;

/** A gateway problem code. */
export type GatewayProblemCode = keyof typeof GATEWAY_PROBLEMS;

/** An RFC 9457 problem details body. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { field: string; message: string }[];
}

/** The problem body for `code`. */
export function problem(
  code: GatewayProblemCode,
  detail: string,
  extra: Pick<ProblemDetails, 'instance' | 'errors'> = {},
): ProblemDetails {
  const { status, title } = GATEWAY_PROBLEMS[code];
  return { type: `${PROBLEM_BASE}${code}`, title, status, detail, ...extra };
}

/** Answers `request` with the problem `code` as application/problem+json. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: GatewayProblemCode,
  detail: string,
  extra: Pick<ProblemDetails, 'errors'> = {},
): FastifyReply {
  const body = problem(code, detail, { instance: request.url.split('?')[0], ...extra });
  return reply.code(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
}
