import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../ports/clock.js';
import { RateLimiterUnavailableError } from '../../ports/rate-limiter.js';
import type { UsagePlan } from '../../ports/usage-plan.js';
import { closeRedis } from '../close-redis.js';
import { BucketAndQuotaLimiter, QUOTA_COUNTER_TTL_SECONDS, type TokenTaken } from './bucket-and-quota.js';
import type { FailureWindow } from './failure-window.js';

/**
 * Why a script for the bucket: rate-limiter-flexible counts fixed windows (and
 * BurstyRateLimiter chains two of them), which admits up to twice the rate around a window edge
 * and cannot report a bucket's remaining tokens. API Gateway's token bucket needs the level and
 * its time read, refilled and written back atomically, which one Redis script does. It mirrors
 * `refill` in token-bucket.ts. The request time comes from the caller's clock, so the bucket
 * follows the same injected Clock as the memory backend; a process whose clock lags the last
 * writer's gets no refill instead of a negative one.
 */
const TAKE_TOKEN_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
elseif now > at then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000)
  at = now
end
tokens = math.min(tokens, burst)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return {allowed, string.format('%.6f', tokens)}
`;

/**
 * One failure added to a subject's window, read and written back atomically; mirrors `addFailure`
 * in failure-window.ts, on the caller's clock like the bucket. The record expires with its window.
 */
const ADD_FAILURE_SCRIPT = `
local window = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'failures', 'at')
local failures = tonumber(state[1])
local at = tonumber(state[2])
if failures == nil or at == nil or now >= at + window then
  failures = 0
  at = now
end
failures = failures + 1
redis.call('HSET', KEYS[1], 'failures', failures, 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.max(1, at + window - now) + 1000)
return {failures, string.format('%d', at)}
`;

/** One failure taken back from a subject's window if it is open and counts any; mirrors `removeFailure`. */
const REMOVE_FAILURE_SCRIPT = `
local window = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'failures', 'at')
local failures = tonumber(state[1])
local at = tonumber(state[2])
if failures ~= nil and at ~= nil and now < at + window and failures > 0 then
  redis.call('HSET', KEYS[1], 'failures', failures - 1)
end
return 0
`;

interface TokenBucketCommands {
  tpTakeToken(key: string, rate: number, burst: number, now: number): Promise<[number, string]>;
  tpAddFailure(key: string, windowMs: number, now: number): Promise<[number, string]>;
  tpRemoveFailure(key: string, windowMs: number, now: number): Promise<number>;
}

export interface RedisRateLimiterOptions {
  /** e.g. `redis://127.0.0.1:6379`. Ignored when `client` is given. */
  url?: string;
  /** An existing connection; not closed by `close()`. */
  client?: Redis;
  /** Prefix of every key this limiter writes; lets tests and tenants share one Redis. */
  keyPrefix?: string;
  clock?: Clock;
  /** Names this process among the limiter's users, for the live-instance count. */
  instanceId?: string;
}

/** How often each process says it is alive, and how long it counts as alive after that, ms. */
const HEARTBEAT_MS = 2000;
const ALIVE_FOR_MS = 3 * HEARTBEAT_MS;

/**
 * Buckets, quotas and failure windows in Redis, shared by every API process pointing at it: the
 * bucket update is one script, the quota one rate-limiter-flexible INCR, a failure one script,
 * each atomic on the server.
 */
export class RedisRateLimiter extends BucketAndQuotaLimiter {
  readonly #redis: Redis & TokenBucketCommands;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #quota: RateLimiterRedis;
  readonly #instanceId: string;
  readonly #heartbeat: NodeJS.Timeout;
  #liveInstances = 1;

  constructor(options: RedisRateLimiterOptions = {}) {
    super(options.clock);
    this.#ownsClient = options.client === undefined;
    const client =
      options.client ??
      new Redis(options.url ?? 'redis://127.0.0.1:6379', {
        // Fail a request fast while Redis is down rather than queueing it behind reconnects.
        maxRetriesPerRequest: 1,
        enableOfflineQueue: true,
      });
    // Outages are reported through the limiter's errors; unheard, ioredis prints each reconnect failure.
    if (this.#ownsClient) client.on('error', () => {});
    client.defineCommand('tpTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_SCRIPT });
    client.defineCommand('tpAddFailure', { numberOfKeys: 1, lua: ADD_FAILURE_SCRIPT });
    client.defineCommand('tpRemoveFailure', { numberOfKeys: 1, lua: REMOVE_FAILURE_SCRIPT });
    this.#redis = client as Redis & TokenBucketCommands;
    this.#prefix = options.keyPrefix ?? 'tp:rl:';
    this.#quota = new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${this.#prefix}quota`,
      points: Number.MAX_SAFE_INTEGER,
      duration: QUOTA_COUNTER_TTL_SECONDS,
    });
    this.#instanceId = options.instanceId ?? `${process.pid}-${Math.random().toString(36).slice(2)}`;
    this.#heartbeat = setInterval(() => void this.#beat(), HEARTBEAT_MS);
    this.#heartbeat.unref();
    void this.#beat();
  }

  /** Whether the connection is up right now. */
  isConnected(): boolean {
    return this.#redis.status === 'ready';
  }

  /** Processes that used this limiter in the last few seconds (this one included), as last seen. */
  liveInstances(): number {
    return this.#liveInstances;
  }

  /** Adds requests admitted elsewhere (by a fallback while Redis was away) to a key's daily count. */
  async addToQuota(keyId: string, day: string, requests: number): Promise<void> {
    if (requests > 0) await this.#quota.penalty(`${keyId}:${day}`, requests);
  }

  async #beat(): Promise<void> {
    if (!this.isConnected()) return;
    const key = `${this.#prefix}instances`;
    const now = Date.now();
    try {
      const [, , count] = ((await this.#redis
        .multi()
        .zadd(key, now, this.#instanceId)
        .zremrangebyscore(key, 0, now - ALIVE_FOR_MS)
        .zcard(key)
        .pexpire(key, ALIVE_FOR_MS)
        .exec()) ?? []) as [Error | null, unknown][];
      if (typeof count?.[1] === 'number' && count[1] > 0) this.#liveInstances = count[1];
    } catch {
      // Kept at the last count; the next beat tries again.
    }
  }

  protected async takeToken(keyId: string, plan: UsagePlan, now: number): Promise<TokenTaken> {
    try {
      const [allowed, tokens] = await this.#redis.tpTakeToken(
        `${this.#prefix}bucket:${keyId}`,
        plan.rateLimit,
        plan.burstLimit,
        Math.floor(now),
      );
      return { allowed: allowed === 1, tokens: Number(tokens) };
    } catch (error) {
      throw new RateLimiterUnavailableError('Redis token bucket failed', { cause: error });
    }
  }

  protected async countRequest(keyId: string, day: string): Promise<number> {
    try {
      return (await this.#quota.consume(`${keyId}:${day}`, 1)).consumedPoints;
    } catch (error) {
      if (error instanceof RateLimiterRes) return error.consumedPoints;
      throw new RateLimiterUnavailableError('Redis quota counter failed', { cause: error });
    }
  }

  protected async addFailure(subject: string, windowMs: number, now: number): Promise<FailureWindow> {
    try {
      const [failures, at] = await this.#redis.tpAddFailure(
        `${this.#prefix}failures:${subject}`,
        windowMs,
        Math.floor(now),
      );
      return { failures, openedAt: Number(at) };
    } catch (error) {
      throw new RateLimiterUnavailableError('Redis failure counter failed', { cause: error });
    }
  }

  protected async removeFailure(subject: string, windowMs: number, now: number): Promise<void> {
    try {
      await this.#redis.tpRemoveFailure(`${this.#prefix}failures:${subject}`, windowMs, Math.floor(now));
    } catch (error) {
      throw new RateLimiterUnavailableError('Redis failure counter failed', { cause: error });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    if (this.#ownsClient) await closeRedis(this.#redis);
  }
}
