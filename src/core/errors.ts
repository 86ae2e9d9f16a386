/**
 * Domain errors. Each carries a stable `code`; the HTTP layer maps codes to status, title and
 * the RFC 9457 problem `type` (src/http/problems.ts), so the core knows nothing of HTTP.
 */
export type DomainErrorCode =
  | 'validation-failed'
  | 'not-found'
  | 'offer-not-found'
  | 'offer-expired'
  | 'price-changed'
  | 'sold-out'
  | 'search-expired'
  | 'booking-not-found'
  | 'booking-not-cancellable'
  | 'idempotency-key-reused'
  | 'idempotency-key-in-use'
  | 'import-not-found'
  | 'import-kind-unavailable'
  | 'service-unavailable';

/** One offending input field, named as the client sent it (e.g. "query.returnDate"). */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: { errors?: FieldError[]; [key: string]: unknown } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

/** A request that is well-formed but names something impossible (unknown airport, past date). */
export function invalidField(field: string, message: string): DomainError {
  return new DomainError('validation-failed', message, { errors: [{ field, message }] });
}

/**
 * Runs `action`, renaming the fields of a domain error it throws: a use case names the fields of the
 * request it was given ("query.origin"), a caller composing it (a multi-city leg, a compatibility
 * route) those of its own request.
 */
export async function withFieldNames<T>(
  rename: (field: string) => string,
  action: () => Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof DomainError) || !Array.isArray(error.details.errors)) throw error;
    const errors = (error.details.errors as FieldError[]).map((e) => ({ ...e, field: rename(e.field) }));
    throw new DomainError(error.code, error.message, { ...error.details, errors }, { cause: error });
  }
}
