import { randomUUID } from 'node:crypto';
import { type BackoffPolicy, backoffDelay } from '../../kernel/backoff.js';
import type { Clock } from '../../ports/clock.js';
import type { WebhookTransport } from '../../ports/webhook-transport.js';
import type {
  DeliveryNext,
  WebhookAttempt,
  WebhookDeliveryRecord,
  WebhookDeliveryStore,
  WebhookEndpointRecord,
  WebhookEndpointStore,
} from '../../ports/webhooks.js';
import { uuidV7 } from '../events/uuid-v7.js';
import { webhookHeaders } from './webhook-signature.js';

/** When attempts are retried and when a delivery (and its endpoint) is given up on. */
export interface WebhookRetryPolicy extends BackoffPolicy {
  /** Attempts of one delivery before it is parked as a dead letter (≥ 1). */
  maxAttempts: number;
  /** Deliveries given up on in a row (each after `maxAttempts`) after which the endpoint is disabled. */
  disableAfterFailures: number;
}

export interface WebhookDispatcherOptions {
  deliveries: WebhookDeliveryStore;
  endpoints: WebhookEndpointStore;
  transport: WebhookTransport;
  clock: Clock;
  retry: WebhookRetryPolicy;
  /** Deadline (ms) of one attempt; a 2xx later than that is a failure. */
  timeoutMs: number;
  /** Attempts this process runs at once, across endpoints. */
  concurrency: number;
  /** Attempts this process runs at once to one endpoint: a slow receiver holds at most this many slots. */
  endpointConcurrency: number;
  /** How often (ms) the queue is polled for retries that came due and deliveries other processes enqueued. */
  pollMs: number;
  /** Name of this dispatcher in delivery leases; default unique to the process. */
  owner?: string;
  /** [0, 1) source of the retry jitter. */
  random?: () => number;
  /** Told when an endpoint is disabled after too many failures. */
  onEndpointDisabled?: (endpoint: WebhookEndpointRecord) => void;
  /** Told about failed rounds (store down); the dispatcher keeps polling. */
  onError?: (error: unknown) => void;
}

/**
 * Sends stored deliveries, at least once, and records every attempt.
 *
 *   claim (lease) ─▶ sign ─▶ POST ─2xx in time─▶ complete: succeeded
 *                              │ otherwise
 *                              ▼
 *                    attempts < max ? ─yes─▶ complete: pending at now + backoff (jittered)
 *                              │no
 *                              ▼
 *                    complete: failed ─▶ dead letter (replayable)
 *
 * Each delivery's final outcome counts towards its endpoint's run of failures (a success ends it),
 * which disables the endpoint once `disableAfterFailures` deliveries in a row were given up — so a
 * receiver that is down for a few minutes during a burst is retried, not switched off. A delivery is leased for longer than an attempt can take, so of
 * several instances sharing the store only one sends it; a crash mid-attempt leaves it leased until
 * the lease ends, then another instance sends it again (at least once: receivers deduplicate by
 * `webhook-id`). The store hands out only the oldest pending delivery of a booking per endpoint, so a
 * booking's webhooks arrive in order even across retries.
 */
export class WebhookDispatcher {
  readonly #o: WebhookDispatcherOptions;
  readonly #owner: string;
  readonly #leaseMs: number;
  readonly #inFlight = new Map<string, number>();
  readonly #running = new Set<Promise<void>>();
  #total = 0;
  #started = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #nudged = false;

  constructor(options: WebhookDispatcherOptions) {
    this.#o = options;
    this.#owner = options.owner ?? `webhooks-${process.pid}-${randomUUID()}`;
    // Long enough for the attempt and recording it; never shorter than a minute of store hiccups.
    this.#leaseMs = Math.max(60_000, options.timeoutMs * 3);
  }

  /** Starts polling (idempotent). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#loop = this.#run();
  }

  /** Asks for a round now instead of at the next poll (new deliveries in this process). */
  nudge(): void {
    this.#nudged = true;
    this.#wake?.();
  }

  /**
   * Claims what is due and free now, starts sending it, and resolves once every attempt started
   * here has been recorded; returns how many attempts it made. For tests and one-shot runs (Lambda).
   */
  async runOnce(): Promise<number> {
    const started = await this.#claimAndSend();
    await this.settled();
    return started;
  }

  /** Resolves when no attempt is in flight. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** Stops polling and waits for attempts in flight. Never rejects. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#wake?.();
    await this.#loop;
    await this.settled();
  }

  async #run(): Promise<void> {
    while (this.#started) {
      this.#nudged = false;
      try {
        await this.#claimAndSend();
      } catch (error) {
        this.#o.onError?.(error);
      }
      if (!this.#started || this.#nudged) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#o.pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /**
   * Rounds of claims, each taking at most one delivery per endpoint and none of an endpoint already
   * at its share, until the queue or the free slots run out. Returns how many attempts it started.
   */
  async #claimAndSend(): Promise<number> {
    let started = 0;
    for (;;) {
      const free = this.#o.concurrency - this.#total;
      if (free <= 0) return started;
      const busy = [...this.#inFlight].filter(([, n]) => n >= this.#o.endpointConcurrency).map(([id]) => id);
      const claimed = await this.#o.deliveries.claim(this.#owner, {
        now: this.#o.clock.now(),
        limit: free,
        leaseMs: this.#leaseMs,
        skipEndpoints: busy,
      });
      if (claimed.length === 0) return started;
      for (const delivery of claimed) this.#start(delivery);
      started += claimed.length;
    }
  }

  #start(delivery: WebhookDeliveryRecord): void {
    this.#total++;
    this.#inFlight.set(delivery.endpointId, (this.#inFlight.get(delivery.endpointId) ?? 0) + 1);
    const run = this.#attempt(delivery)
      .catch((error: unknown) => this.#o.onError?.(error))
      .finally(() => {
        this.#total--;
        const left = (this.#inFlight.get(delivery.endpointId) ?? 1) - 1;
        if (left === 0) this.#inFlight.delete(delivery.endpointId);
        else this.#inFlight.set(delivery.endpointId, left);
        this.#running.delete(run);
        // A slot is free: more may be waiting for it.
        if (this.#started) this.nudge();
      });
    this.#running.add(run);
  }

  async #attempt(delivery: WebhookDeliveryRecord): Promise<void> {
    const { clock, retry } = this.#o;
    const endpoint = await this.#o.endpoints.get(delivery.endpointId);
    const at = clock.now();
    if (endpoint === undefined || !endpoint.enabled) {
      // Parked rather than dropped: once the endpoint is enabled again the client can replay them.
      const reason = endpoint === undefined ? 'endpoint deleted' : 'endpoint disabled';
      await this.#o.deliveries.complete(
        this.#owner,
        { id: uuidV7(at), deliveryId: delivery.id, at, succeeded: false, latencyMs: 0, error: reason },
        { status: 'failed', reason },
      );
      return;
    }
    const response = await this.#o.transport.send({
      url: endpoint.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'travel-platform-webhooks/1',
        ...webhookHeaders(delivery.id, delivery.payload, endpoint.secrets, at),
      },
      body: delivery.payload,
      timeoutMs: this.#o.timeoutMs,
    });
    const succeeded =
      response.kind === 'response' &&
      response.status >= 200 &&
      response.status < 300 &&
      response.latencyMs <= this.#o.timeoutMs;
    const error = succeeded
      ? undefined
      : response.kind === 'failed'
        ? response.error
        : response.status >= 200 && response.status < 300
          ? `answered after the ${this.#o.timeoutMs} ms timeout`
          : `answered ${response.status}`;
    const attempt: WebhookAttempt = {
      id: uuidV7(at),
      deliveryId: delivery.id,
      at,
      succeeded,
      latencyMs: response.latencyMs,
      ...(response.kind === 'response' ? { statusCode: response.status } : {}),
      ...(error === undefined ? {} : { error }),
    };
    const attempts = delivery.attempts + 1;
    const next: DeliveryNext = succeeded
      ? { status: 'succeeded' }
      : attempts >= retry.maxAttempts
        ? { status: 'failed', reason: `gave up after ${attempts} attempts: ${error}` }
        : { status: 'pending', nextAttemptAt: clock.now() + backoffDelay(attempts, retry, this.#o.random) };
    // Lost the lease (this attempt outlived it and another instance took over): its record wins.
    if (!(await this.#o.deliveries.complete(this.#owner, attempt, next))) return;
    if (next.status === 'pending') return;
    const outcome = await this.#o.endpoints.recordOutcome(endpoint.id, succeeded, {
      disableAfter: retry.disableAfterFailures,
      reason: `disabled after ${retry.disableAfterFailures} deliveries in a row were given up (last: ${error})`,
      now: clock.now(),
    });
    if (outcome.disabledNow && outcome.endpoint) this.#o.onEndpointDisabled?.(outcome.endpoint);
  }
}
