import type { FieldError } from '../../core/errors.js';
import { MISSING_MESSAGE } from '../error-handler.js';
import type { Problem, ProblemCode } from '../problems.js';
import { PROBLEM_BASE } from '../problems.js';

/** Where in the request an Amadeus error points: a query parameter or a JSON pointer into the body. */
export interface AmadeusErrorSource {
  parameter?: string;
  pointer?: string;
  example?: string;
}

/** One entry of an Amadeus error body. */
export interface AmadeusIssue {
  status: number;
  code: number;
  title: string;
  detail: string;
  source?: AmadeusErrorSource;
}

export interface AmadeusErrorBody {
  errors: AmadeusIssue[];
}

interface AmadeusCode {
  status: number;
  code: number;
  title: string;
}

const INVALID_FORMAT: AmadeusCode = { status: 400, code: 477, title: 'INVALID FORMAT' };
const INVALID_DATA: AmadeusCode = { status: 400, code: 4926, title: 'INVALID DATA RECEIVED' };
const MANDATORY_DATA_MISSING: AmadeusCode = { status: 400, code: 32171, title: 'MANDATORY DATA MISSING' };
const INVALID_DATE: AmadeusCode = { status: 400, code: 425, title: 'INVALID DATE' };
const NOT_FOUND: AmadeusCode = { status: 404, code: 1797, title: 'NOT FOUND' };
/** What Amadeus's gateway answered for a path it serves no API under. */
const RESOURCE_NOT_FOUND: AmadeusCode = { status: 404, code: 38196, title: 'Resource not found' };
const SYSTEM_ERROR: AmadeusCode = { status: 500, code: 141, title: 'SYSTEM ERROR' };
const UNAVAILABLE: AmadeusCode = { status: 503, code: 141, title: 'SYSTEM ERROR' };

/**
 * Our problems as Amadeus answered the same situations (its common-errors guide). A problem not
 * listed keeps its status with a code chosen by status class.
 */
const AMADEUS_CODES: Partial<Record<ProblemCode, AmadeusCode>> = {
  'validation-failed': INVALID_DATA,
  'invalid-request': INVALID_FORMAT,
  'unsupported-media-type': { ...INVALID_FORMAT, status: 415 },
  'payload-too-large': { ...INVALID_FORMAT, status: 413 },
  'uri-too-long': { ...INVALID_FORMAT, status: 414 },
  'not-found': NOT_FOUND,
  'route-not-found': RESOURCE_NOT_FOUND,
  'offer-not-found': NOT_FOUND,
  'booking-not-found': NOT_FOUND,
  'method-not-allowed': { ...RESOURCE_NOT_FOUND, status: 405 },
  'offer-expired': { status: 400, code: 4926, title: 'INVALID DATA RECEIVED' },
  'search-expired': { status: 400, code: 4926, title: 'INVALID DATA RECEIVED' },
  'price-changed': { status: 400, code: 37200, title: 'PRICE DISCREPANCY' },
  'sold-out': { status: 400, code: 34651, title: 'SEGMENT SELL FAILURE' },
  'booking-not-cancellable': { status: 400, code: 4926, title: 'INVALID DATA RECEIVED' },
  'idempotency-key-reused': { ...INVALID_DATA, status: 422 },
  'idempotency-key-in-use': { ...INVALID_DATA, status: 409 },
  'invalid-api-key': { status: 401, code: 38190, title: 'Invalid access token' },
  'invalid-token': { status: 401, code: 38190, title: 'Invalid access token' },
  'admin-key-required': { status: 403, code: 38197, title: 'Forbidden' },
  'rate-limited': { status: 429, code: 38194, title: 'Too many requests' },
  'quota-exceeded': { status: 429, code: 38195, title: 'Quota limit exceeded' },
  overloaded: UNAVAILABLE,
  'service-unavailable': UNAVAILABLE,
  'rate-limiter-unavailable': UNAVAILABLE,
  'token-keys-unavailable': UNAVAILABLE,
  'internal-error': SYSTEM_ERROR,
};

/** How a route names the fields the core reports ("query.origin") in its own request. */
export type FieldNames = Readonly<Record<string, string>>;

/** Fields of the core's requests that hold dates: a rule they break is Amadeus's INVALID DATE. */
const DATE_FIELD = /\.(departureDate|returnDate|checkIn|checkOut|checkInDate|checkOutDate|date|dateOfBirth)$/;

/**
 * The code of one field error: a missing mandatory member is MANDATORY DATA MISSING (Amadeus 32171),
 * a broken date rule (a past or impossible date, a return before departure) INVALID DATE (425), a
 * badly written date stays INVALID FORMAT (477); otherwise the problem's own code.
 */
function fieldCode(field: FieldError, problemCode: AmadeusCode, schemaViolation: boolean): AmadeusCode {
  if (schemaViolation) return field.message === MISSING_MESSAGE ? MANDATORY_DATA_MISSING : problemCode;
  if (problemCode.status === 400 && DATE_FIELD.test(field.field)) return INVALID_DATE;
  return problemCode;
}

/**
 * An Amadeus error body for a problem. Each field error becomes one entry whose `source` names the
 * query parameter or body pointer; `fieldNames` renames core field names to the route's own, and a
 * name starting with "/" is a body pointer.
 */
export function amadeusErrors(
  problem: Problem,
  options: { fieldNames?: FieldNames; schemaViolation?: boolean } = {},
): AmadeusErrorBody {
  const code = problem.type.startsWith(PROBLEM_BASE)
    ? (problem.type.slice(PROBLEM_BASE.length) as ProblemCode)
    : 'internal-error';
  const fallback = problem.status >= 500 ? SYSTEM_ERROR : problem.status === 404 ? NOT_FOUND : INVALID_DATA;
  const mapped = options.schemaViolation ? INVALID_FORMAT : (AMADEUS_CODES[code] ?? fallback);
  const fields = problem.errors ?? [];
  if (fields.length === 0) {
    return {
      errors: [{ status: mapped.status, code: mapped.code, title: mapped.title, detail: problem.detail }],
    };
  }
  return {
    errors: fields.map((field) => {
      const { status, code, title } = fieldCode(field, mapped, options.schemaViolation === true);
      return {
        status,
        code,
        title,
        detail: field.message,
        source: sourceOf(field, options.fieldNames ?? {}),
      };
    }),
  };
}

/** "query.adults" → parameter adults; "body.data.flightOffers.0" → pointer /data/flightOffers/0. */
function sourceOf(error: FieldError, names: FieldNames): AmadeusErrorSource {
  const renamed = names[error.field];
  if (renamed !== undefined) return renamed.startsWith('/') ? { pointer: renamed } : { parameter: renamed };
  const [context, ...path] = error.field.split('.');
  if (context === 'body') return { pointer: `/${path.join('/')}` };
  return { parameter: path.length > 0 ? path.join('.') : error.field };
}

/** The HTTP status an Amadeus error body is sent with: its first entry's. */
export function statusOf(body: AmadeusErrorBody): number {
  return body.errors[0]?.status ?? 500;
}
