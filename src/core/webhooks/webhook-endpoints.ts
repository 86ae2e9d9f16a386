import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type {
  ReplaySelection,
  WebhookAttempt,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookDeliveryStore,
  WebhookEndpointChange,
  WebhookEndpointRecord,
  WebhookEndpointStore,
  WebhookEventType,
} from '../../ports/webhooks.js';
import { DomainError, invalidField } from '../errors.js';
import { uuidV7 } from '../events/uuid-v7.js';
import { deliveryId, webhookBody } from './webhook-payloads.js';
import { newSigningSecret } from './webhook-signature.js';

/** Who calls: an API key, and whether it is the admin key (which sees every key's endpoints). */
export interface WebhookCaller {
  apiKeyId: string;
  admin: boolean;
}

export interface WebhookEndpointsOptions {
  endpoints: WebhookEndpointStore;
  deliveries: WebhookDeliveryStore;
  clock: Clock;
  /** CloudEvents `source` of pings. */
  source: string;
  /** Refuse `http:` URLs (production). */
  requireHttps: boolean;
  /** How long (ms) a rotated-out secret keeps signing beside the new one. */
  secretOverlapMs: number;
  /** Told when a ping was enqueued (wakes the dispatcher). */
  onEnqueued?: () => void;
}

export interface NewEndpoint {
  url: string;
  eventTypes: WebhookEventType[];
  description?: string;
  enabled?: boolean;
}

export type EndpointPatch = Partial<
  Pick<WebhookEndpointRecord, 'url' | 'eventTypes' | 'description' | 'enabled'>
>;

/**
 * The endpoints API: registering, changing and removing endpoints, rotating their secrets, pinging
 * them, reading their delivery log and replaying deliveries. A key only ever sees its own endpoints
 * (another key's answer 404, as if absent); the admin key sees all.
 */
export class WebhookEndpoints {
  readonly #o: WebhookEndpointsOptions;

  constructor(options: WebhookEndpointsOptions) {
    this.#o = options;
  }

  /** Registers an endpoint; the answer is the only time its secret is shown. */
  async create(
    caller: WebhookCaller,
    input: NewEndpoint,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    this.#checkUrl(input.url, 'body.url');
    const now = this.#o.clock.now();
    const secret = newSigningSecret();
    const endpoint: WebhookEndpointRecord = {
      id: `ep_${randomUUID().replaceAll('-', '')}`,
      apiKeyId: caller.apiKeyId,
      url: input.url,
      eventTypes: unique(input.eventTypes),
      enabled: input.enabled ?? true,
      description: input.description ?? '',
      secrets: [{ secret }],
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.#o.endpoints.create(endpoint);
    return { endpoint, secret };
  }

  /** The caller's endpoints (every key's for the admin key), oldest first. */
  list(caller: WebhookCaller): Promise<WebhookEndpointRecord[]> {
    return this.#o.endpoints.list(caller.admin ? undefined : caller.apiKeyId);
  }

  /** One endpoint; not-found unless the caller may see it. */
  async get(caller: WebhookCaller, id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await this.#o.endpoints.get(id);
    if (endpoint === undefined || !(caller.admin || endpoint.apiKeyId === caller.apiKeyId))
      throw new DomainError('not-found', `No webhook endpoint ${id}.`);
    return endpoint;
  }

  /** Changes fields; enabling an endpoint clears its failure run and the reason it was disabled. */
  async update(caller: WebhookCaller, id: string, patch: EndpointPatch): Promise<WebhookEndpointRecord> {
    await this.get(caller, id);
    if (patch.url !== undefined) this.#checkUrl(patch.url, 'body.url');
    const change: WebhookEndpointChange = {
      ...patch,
      ...(patch.eventTypes === undefined ? {} : { eventTypes: unique(patch.eventTypes) }),
      ...(patch.enabled === true ? { consecutiveFailures: 0, disabledReason: null } : {}),
    };
    return this.#found(id, await this.#o.endpoints.update(id, change, this.#o.clock.now()));
  }

  async remove(caller: WebhookCaller, id: string): Promise<void> {
    await this.get(caller, id);
    await this.#o.endpoints.remove(id);
  }

  /**
   * A new current secret; the previous one keeps signing until the overlap window ends (both
   * signatures are sent), so receivers can switch without losing a delivery. Secrets already past
   * their window are dropped.
   */
  async rotateSecret(
    caller: WebhookCaller,
    id: string,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    const endpoint = await this.get(caller, id);
    const now = this.#o.clock.now();
    const secret = newSigningSecret();
    const expiresAt = now + this.#o.secretOverlapMs;
    const kept = endpoint.secrets
      .map((s) => ({ secret: s.secret, expiresAt: Math.min(s.expiresAt ?? expiresAt, expiresAt) }))
      .filter((s) => s.expiresAt > now);
    const updated = await this.#o.endpoints.update(id, { secrets: [{ secret }, ...kept] }, now);
    return { endpoint: this.#found(id, updated), secret };
  }

  /** Enqueues a signed `ping` to the endpoint (delivered like any event); returns its delivery. */
  async ping(caller: WebhookCaller, id: string): Promise<WebhookDeliveryRecord> {
    const endpoint = await this.get(caller, id);
    const now = this.#o.clock.now();
    const eventId = uuidV7(now);
    const delivery: WebhookDeliveryRecord = {
      id: deliveryId(endpoint.id, eventId),
      endpointId: endpoint.id,
      apiKeyId: endpoint.apiKeyId,
      eventType: 'ping',
      eventId,
      // A ping waits for nothing and holds nothing up.
      orderKey: `ping:${eventId}`,
      sequence: `${String(now).padStart(15, '0')}.${eventId}`,
      payload: webhookBody({ type: 'ping', eventId }, this.#o.source, new Date(now).toISOString(), {
        endpointId: endpoint.id,
      }),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    };
    await this.#o.deliveries.enqueue([delivery]);
    this.#o.onEnqueued?.();
    return delivery;
  }

  /** The endpoint's deliveries, newest first, paged by `before` (the last sequence of the previous page). */
  async deliveries(
    caller: WebhookCaller,
    id: string,
    query: { status?: WebhookDeliveryStatus; before?: string; limit: number },
  ): Promise<WebhookDeliveryRecord[]> {
    await this.get(caller, id);
    return this.#o.deliveries.list({ endpointId: id, ...query });
  }

  /** One delivery of the endpoint with its attempts. */
  async delivery(
    caller: WebhookCaller,
    id: string,
    deliveryIdValue: string,
  ): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttempt[] }> {
    await this.get(caller, id);
    const delivery = await this.#o.deliveries.get(deliveryIdValue);
    if (delivery === undefined || delivery.endpointId !== id)
      throw new DomainError('not-found', `No delivery ${deliveryIdValue} of webhook endpoint ${id}.`);
    return { delivery, attempts: await this.#o.deliveries.attempts(delivery.id) };
  }

  /** Sends finished deliveries (succeeded or given up) again: some by id, or all created in [from, to). */
  async replay(
    caller: WebhookCaller,
    id: string,
    selection: { deliveryIds: string[] } | { from: number; to: number },
  ): Promise<string[]> {
    await this.get(caller, id);
    if ('from' in selection && selection.from >= selection.to)
      throw invalidField('body.to', 'to must be after from');
    const replay: ReplaySelection =
      'deliveryIds' in selection
        ? { endpointId: id, ids: selection.deliveryIds }
        : { endpointId: id, from: selection.from, to: selection.to };
    const ids = await this.#o.deliveries.replay(replay, this.#o.clock.now());
    if (ids.length > 0) this.#o.onEnqueued?.();
    return ids;
  }

  /**
   * What can be decided about a URL without DNS: http(s), no credentials, https when required. The
   * address it resolves to is checked at every delivery (adapters/webhooks), as DNS may change.
   */
  #checkUrl(value: string, field: string): void {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalidField(field, 'must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalidField(field, 'must be an http(s) URL');
    if (this.#o.requireHttps && url.protocol !== 'https:') throw invalidField(field, 'must be an https URL');
    if (url.username !== '' || url.password !== '') throw invalidField(field, 'must not carry credentials');
  }

  #found(id: string, endpoint: WebhookEndpointRecord | undefined): WebhookEndpointRecord {
    if (endpoint === undefined) throw new DomainError('not-found', `No webhook endpoint ${id}.`);
    return endpoint;
  }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
