/**
 * Persistence of webhooks (docs/webhooks.md): the endpoints API keys register, the deliveries of
 * events to them with every attempt, and the deliveries given up on. Every method rejects with
 * StoreUnavailableError when the backend fails; no driver error leaks.
 */

/**
 * Event types a client can subscribe an endpoint to. `ping` is sent only by the test route. There is
 * no `booking.price_changed`: a booking's price is fixed when it is made, and `price.updated` only
 * reprices unsold inventory (docs/webhooks.md).
 */
export type WebhookEventType = 'booking.created' | 'booking.cancelled' | 'booking.schedule_changed' | 'ping';

/** Every type, in the order the docs list them. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'booking.created',
  'booking.cancelled',
  'booking.schedule_changed',
  'ping',
];

/** One signing secret of an endpoint. */
export interface WebhookSigningSecret {
  /** `whsec_` and the base64 of the key bytes (Standard Webhooks). Kept readable: HMAC needs the key. */
  secret: string;
  /** Epoch ms after which this secret no longer signs (a rotated-out secret); absent on the current one. */
  expiresAt?: number;
}

/** A URL an API key asked to receive events at. */
export interface WebhookEndpointRecord {
  /** `ep_` and a UUID. */
  id: string;
  /** The API key that owns it: only that key's bookings are delivered to it. */
  apiKeyId: string;
  url: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  description: string;
  /** The current secret first, then rotated-out secrets still inside their overlap window. */
  secrets: WebhookSigningSecret[];
  /** Deliveries that failed for good in a row; reset by a success or by enabling the endpoint. */
  consecutiveFailures: number;
  /** Why the platform disabled it (absent when a client disabled it or it is enabled). */
  disabledReason?: string;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

/** Fields a client (or the platform) may change on an endpoint. */
export type WebhookEndpointChange = Partial<
  Pick<WebhookEndpointRecord, 'url' | 'eventTypes' | 'enabled' | 'description' | 'secrets'>
> & {
  /** Sets consecutiveFailures (0 when a client enables the endpoint again). */
  consecutiveFailures?: number;
  /** null clears it. */
  disabledReason?: string | null;
};

/** What one delivery's final outcome did to its endpoint. */
export interface EndpointOutcome {
  /** The endpoint after the change; undefined when it no longer exists. */
  endpoint: WebhookEndpointRecord | undefined;
  /** True when this failure crossed the threshold and disabled the endpoint. */
  disabledNow: boolean;
}

export interface WebhookEndpointStore {
  /** Stores a new endpoint (its id is new). */
  create(endpoint: WebhookEndpointRecord): Promise<void>;
  /** The endpoint with `id`, or undefined. */
  get(id: string): Promise<WebhookEndpointRecord | undefined>;
  /** Endpoints of `apiKeyId` (every key's when omitted), oldest first; [] when none. */
  list(apiKeyId?: string): Promise<WebhookEndpointRecord[]>;
  /** Applies `change` at `now`; returns the endpoint as it now is, or undefined when unknown. */
  update(id: string, change: WebhookEndpointChange, now: number): Promise<WebhookEndpointRecord | undefined>;
  /** Deletes the endpoint; false when unknown. Its deliveries stay readable until pruned. */
  remove(id: string): Promise<boolean>;
  /**
   * Atomically counts one delivery's final outcome: a success resets the failure run; a failure
   * extends it and, when it reaches `disableAfter`, disables the endpoint with `reason`.
   */
  recordOutcome(
    id: string,
    succeeded: boolean,
    options: { disableAfter: number; reason: string; now: number },
  ): Promise<EndpointOutcome>;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event on its way to one endpoint; retried until it succeeds or is given up. */
export interface WebhookDeliveryRecord {
  /** `msg_…`, derived from the endpoint and the source event, so enqueuing twice is one delivery; sent as `webhook-id`. */
  id: string;
  endpointId: string;
  apiKeyId: string;
  eventType: WebhookEventType;
  /** Id of the platform event it came from. */
  eventId: string;
  /** Deliveries with one order key (a booking id) to one endpoint go one at a time, oldest first. */
  orderKey: string;
  /** Sorts deliveries of one order key in the order they were enqueued (a UUID v7). */
  sequence: string;
  /** The exact body sent (a JSON CloudEvent), so every retry and replay is signed over the same bytes. */
  payload: string;
  status: WebhookDeliveryStatus;
  /** Attempts since it was enqueued or last replayed. */
  attempts: number;
  /** Epoch ms when it may next be tried (pending only). */
  nextAttemptAt: number;
  createdAt: number;
  lastAttemptAt?: number;
  /** HTTP status of the last attempt, absent when it got no response. */
  lastStatusCode?: number;
  lastError?: string;
  lastLatencyMs?: number;
}

/** One HTTP try of a delivery. */
export interface WebhookAttempt {
  /** Sortable id (UUID v7). */
  id: string;
  deliveryId: string;
  /** Epoch ms the request started. */
  at: number;
  succeeded: boolean;
  statusCode?: number;
  latencyMs: number;
  /** Why it failed (timeout, refused address, status), absent on success. */
  error?: string;
}

/** What an attempt leads to. */
export type DeliveryNext =
  | { status: 'succeeded' }
  | { status: 'pending'; nextAttemptAt: number }
  /** Given up: the delivery is parked in the dead letters with `reason`. */
  | { status: 'failed'; reason: string };

/** Filter of `WebhookDeliveryStore.list`. */
export interface DeliveryQuery {
  endpointId: string;
  status?: WebhookDeliveryStatus;
  /** Only deliveries created before this sequence (the previous page's last), newest first. */
  before?: string;
  /** At most this many; default 50. */
  limit?: number;
}

/** What a replay puts back in the queue: some deliveries, or an endpoint's deliveries created in [from, to). */
export type ReplaySelection =
  | { endpointId: string; ids: readonly string[] }
  | { endpointId: string; from: number; to: number };

export interface WebhookDeliveryStore {
  /** Stores the deliveries whose id is new (the others are left as they are); returns how many were new. */
  enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<number>;
  /**
   * Leases to `owner` until `now + leaseMs`, and returns, up to `limit` pending deliveries that are
   * due (`nextAttemptAt <= now`), not leased, and the oldest pending one of their endpoint and order
   * key — so one booking's deliveries go one after another — at most one per endpoint and none of an
   * endpoint in `skipEndpoints` (the caller's concurrency share per endpoint). Earliest due first;
   * [] when none.
   */
  claim(
    owner: string,
    options: { now: number; limit: number; leaseMs: number; skipEndpoints?: readonly string[] },
  ): Promise<WebhookDeliveryRecord[]>;
  /**
   * Records `attempt` and moves the delivery to `next` (parking it as a dead letter when failed), in
   * one transaction, and frees its lease. False, writing nothing, when `owner` no longer holds the
   * lease (it expired and another instance took the delivery).
   */
  complete(owner: string, attempt: WebhookAttempt, next: DeliveryNext): Promise<boolean>;
  /** The delivery, or undefined. */
  get(id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Deliveries of an endpoint, newest first. */
  list(query: DeliveryQuery): Promise<WebhookDeliveryRecord[]>;
  /** Attempts of a delivery, oldest first; [] when none. */
  attempts(deliveryId: string): Promise<WebhookAttempt[]>;
  /**
   * Puts the selected deliveries that are not pending back in the queue, due at `now` with their
   * attempts count reset (their attempt history stays), removing their dead letters. Returns the ids requeued.
   */
  replay(selection: ReplaySelection, now: number): Promise<string[]>;
}

/** A delivery given up on after its last attempt. */
export interface WebhookDeadLetter {
  deliveryId: string;
  endpointId: string;
  apiKeyId: string;
  eventType: WebhookEventType;
  reason: string;
  attempts: number;
  /** Epoch ms. */
  parkedAt: number;
}

/** Parked deliveries; written by `WebhookDeliveryStore.complete`, removed by its `replay`. */
export interface WebhookDeadLetterStore {
  /** Dead letters, oldest first, of one endpoint or all; at most `limit` (default 100). */
  list(query?: { endpointId?: string; limit?: number }): Promise<WebhookDeadLetter[]>;
  /** The dead letter of a delivery, or undefined. */
  get(deliveryId: string): Promise<WebhookDeadLetter | undefined>;
}
