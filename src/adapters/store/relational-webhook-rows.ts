import type {
  WebhookAttempt,
  WebhookDeadLetter,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointChange,
  WebhookEndpointRecord,
  WebhookEventType,
  WebhookSigningSecret,
} from '../../ports/webhooks.js';

/**
 * Rows of the webhook tables as SQLite and PostgreSQL both hold them (the same columns in both
 * migrations); numbers may come back as strings (PostgreSQL BIGINT), hence `Number` on the way out.
 */

type Num = number | string;
type Flag = number | boolean;

export const ENDPOINT_COLUMNS =
  'id, api_key_id, url, event_types, enabled, description, secrets, consecutive_failures, disabled_reason, created_at, updated_at';

export interface EndpointRow {
  id: string;
  api_key_id: string;
  url: string;
  event_types: string;
  enabled: Flag;
  description: string;
  secrets: string;
  consecutive_failures: Num;
  disabled_reason: string | null;
  created_at: Num;
  updated_at: Num;
}

export function endpointValues(e: WebhookEndpointRecord): unknown[] {
  return [
    e.id,
    e.apiKeyId,
    e.url,
    JSON.stringify(e.eventTypes),
    e.enabled,
    e.description,
    JSON.stringify(e.secrets),
    e.consecutiveFailures,
    e.disabledReason ?? null,
    e.createdAt,
    e.updatedAt,
  ];
}

export function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return {
    id: row.id,
    apiKeyId: row.api_key_id,
    url: row.url,
    eventTypes: JSON.parse(row.event_types) as WebhookEventType[],
    enabled: Boolean(row.enabled),
    description: row.description,
    secrets: JSON.parse(row.secrets) as WebhookSigningSecret[],
    consecutiveFailures: Number(row.consecutive_failures),
    ...(row.disabled_reason === null ? {} : { disabledReason: row.disabled_reason }),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The SET assignments and values of an endpoint change; `placeholder(i)` writes the i-th (1-based) parameter. */
export function endpointAssignments(
  change: WebhookEndpointChange,
  now: number,
  placeholder: (index: number) => string,
): { sql: string; values: unknown[] } {
  const pairs: [string, unknown][] = [];
  if (change.url !== undefined) pairs.push(['url', change.url]);
  if (change.eventTypes !== undefined) pairs.push(['event_types', JSON.stringify(change.eventTypes)]);
  if (change.enabled !== undefined) pairs.push(['enabled', change.enabled]);
  if (change.description !== undefined) pairs.push(['description', change.description]);
  if (change.secrets !== undefined) pairs.push(['secrets', JSON.stringify(change.secrets)]);
  if (change.consecutiveFailures !== undefined)
    pairs.push(['consecutive_failures', change.consecutiveFailures]);
  if (change.disabledReason !== undefined) pairs.push(['disabled_reason', change.disabledReason]);
  pairs.push(['updated_at', now]);
  return {
    sql: pairs.map(([column], i) => `${column} = ${placeholder(i + 1)}`).join(', '),
    values: pairs.map(([, value]) => value),
  };
}

export const DELIVERY_COLUMNS =
  'id, endpoint_id, api_key_id, event_type, event_id, order_key, sequence, payload, status, attempts, next_attempt_at, created_at, last_attempt_at, last_status_code, last_error, last_latency_ms';

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  api_key_id: string;
  event_type: string;
  event_id: string;
  order_key: string;
  sequence: string;
  payload: string;
  status: string;
  attempts: Num;
  next_attempt_at: Num;
  created_at: Num;
  last_attempt_at: Num | null;
  last_status_code: Num | null;
  last_error: string | null;
  last_latency_ms: Num | null;
}

/** Values of a new delivery, in DELIVERY_COLUMNS order. */
export function deliveryValues(d: WebhookDeliveryRecord): unknown[] {
  return [
    d.id,
    d.endpointId,
    d.apiKeyId,
    d.eventType,
    d.eventId,
    d.orderKey,
    d.sequence,
    d.payload,
    d.status,
    d.attempts,
    d.nextAttemptAt,
    d.createdAt,
    d.lastAttemptAt ?? null,
    d.lastStatusCode ?? null,
    d.lastError ?? null,
    d.lastLatencyMs ?? null,
  ];
}

export function toDelivery(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    apiKeyId: row.api_key_id,
    eventType: row.event_type as WebhookEventType,
    eventId: row.event_id,
    orderKey: row.order_key,
    sequence: row.sequence,
    payload: row.payload,
    status: row.status as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    createdAt: Number(row.created_at),
    ...(row.last_attempt_at === null ? {} : { lastAttemptAt: Number(row.last_attempt_at) }),
    ...(row.last_status_code === null ? {} : { lastStatusCode: Number(row.last_status_code) }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.last_latency_ms === null ? {} : { lastLatencyMs: Number(row.last_latency_ms) }),
  };
}

export const ATTEMPT_COLUMNS = 'id, delivery_id, at, succeeded, status_code, latency_ms, error';

export interface AttemptRow {
  id: string;
  delivery_id: string;
  at: Num;
  succeeded: Flag;
  status_code: Num | null;
  latency_ms: Num;
  error: string | null;
}

export function attemptValues(a: WebhookAttempt): unknown[] {
  return [a.id, a.deliveryId, a.at, a.succeeded, a.statusCode ?? null, a.latencyMs, a.error ?? null];
}

export function toAttempt(row: AttemptRow): WebhookAttempt {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    at: Number(row.at),
    succeeded: Boolean(row.succeeded),
    ...(row.status_code === null ? {} : { statusCode: Number(row.status_code) }),
    latencyMs: Number(row.latency_ms),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

export const DEAD_LETTER_COLUMNS =
  'delivery_id, endpoint_id, api_key_id, event_type, reason, attempts, parked_at';

export interface WebhookDeadLetterRow {
  delivery_id: string;
  endpoint_id: string;
  api_key_id: string;
  event_type: string;
  reason: string;
  attempts: Num;
  parked_at: Num;
}

export function toWebhookDeadLetter(row: WebhookDeadLetterRow): WebhookDeadLetter {
  return {
    deliveryId: row.delivery_id,
    endpointId: row.endpoint_id,
    apiKeyId: row.api_key_id,
    eventType: row.event_type as WebhookEventType,
    reason: row.reason,
    attempts: Number(row.attempts),
    parkedAt: Number(row.parked_at),
  };
}
