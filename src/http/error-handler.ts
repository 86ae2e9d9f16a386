import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from '../core/errors.js';
import { SearchCancelledError } from '../core/search/work-budget.js';
import { StoreUnavailableError } from '../ports/store.js';
import { type Problem, problem, sendProblem } from './problems.js';

interface AjvIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

const CONTEXT_PREFIX: Record<string, string> = {
  querystring: 'query',
  params: 'path',
  body: 'body',
  headers: 'header',
};

/** The message of a field error for a required member that is missing. */
export const MISSING_MESSAGE = 'is required';

/** Field errors named as the client wrote them: "query.adults", "body.passengers.0.name". */
export function fieldErrors(issues: readonly AjvIssue[], context: string): FieldError[] {
  const prefix = CONTEXT_PREFIX[context] ?? context;
  return issues.map((issue) => {
    const path = issue.instancePath.split('/').filter(Boolean);
    const property = issue.params.missingProperty ?? issue.params.additionalProperty;
    if (typeof property === 'string') path.push(property);
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'additionalProperties') message = 'is not a known parameter';
    if (issue.keyword === 'required') message = MISSING_MESSAGE;
    return { field: [prefix, ...path].join('.'), message };
  });
}

/** What a 503 for an unreachable store tells clients: long enough for a failover or a restart. */
const STORE_RETRY_AFTER_SECONDS = 2;

/** True when `error`, or an error it wraps (a cache loader, a plugin), is the store being unreachable. */
function causedByStoreOutage(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof StoreUnavailableError) return true;
    current = current.cause;
  }
  return false;
}

/** Maps any thrown error to problem+json; nothing a client sends yields a stack trace. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toProblem(error, request);
    // A conflict that resolves by itself (a key still in flight) tells the client when to retry.
    if (error instanceof DomainError && typeof error.details.retryAfterSeconds === 'number') {
      reply.header('retry-after', String(error.details.retryAfterSeconds));
    }
    // A store that is down or throttled is worth retrying soon; say when, as a 503 should.
    if (causedByStoreOutage(error)) reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    // A cancelled search has nobody to answer: the client went away.
    if (error instanceof SearchCancelledError) request.log.debug('search cancelled: the client went away');
    else if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('route-not-found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

export function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  const instance = request.url.split('?')[0];
  if (error instanceof DomainError) {
    const { errors, retryAfterSeconds: _retryAfter, ...extensions } = error.details;
    return problem(error.code, error.message, { instance, ...(errors ? { errors } : {}), ...extensions });
  }
  if (error.validation) {
    const errors = fieldErrors(error.validation as AjvIssue[], error.validationContext ?? 'request');
    const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
    return problem('validation-failed', detail, { instance, errors });
  }
  if (error instanceof SearchCancelledError) {
    return problem('service-unavailable', error.message, { instance });
  }
  if (causedByStoreOutage(error)) {
    return problem('service-unavailable', 'the store is unavailable; retry shortly', { instance });
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return problem('payload-too-large', error.message, { instance });
  if (status === 415) return problem('unsupported-media-type', error.message, { instance });
  if (status === 404) return problem('not-found', error.message, { instance });
  if (status === 405) return problem('method-not-allowed', error.message, { instance });
  if (status >= 400 && status < 500) return problem('invalid-request', error.message, { instance, status });
  return problem('internal-error', 'an unexpected error occurred; it has been logged', { instance });
}
