import { isIP } from 'node:net';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Clock, systemClock } from '../../ports/clock.js';
import {
  type FailureCount,
  type FailurePolicy,
  type RateLimiter,
  RateLimiterUnavailableError,
} from '../../ports/rate-limiter.js';
import { replyWithProblem } from '../problems.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route checks credentials sent in its body (the token exchange, the dashboard sign-in). */
    checksCredentials?: boolean;
  }
  interface FastifyInstance {
    /**
     * Whole seconds this process knows `address` must still wait after failed credentials, or 0;
     * answered without I/O, for the cached-search front. Undefined (the client's address is not
     * known there, behind a proxy): the longest wait of any address.
     */
    credentialWait(address: string | undefined): number;
  }
}

export interface CredentialThrottleOptions {
  limiter: Pick<RateLimiter, 'recordFailure' | 'forgiveFailure'>;
  /** Failed attempts one client address may make per window. */
  policy: FailurePolicy;
  clock?: Clock | undefined;
}

/** Addresses remembered as waiting, at most; past that the map is swept (and cleared if still full). */
const REMEMBERED_LIMIT = 10_000;

/**
 * Throttles credential guessing per client address. Every 401 answered to a request that presented
 * credentials (an `x-api-key`, an `Authorization` header, or the body of a route that checks
 * credentials: the token exchange, the dashboard sign-in) counts one failure of its address in the
 * shared limiter; once an address has used up its allowance for the window, its requests that
 * present credentials are answered 429 `rate-limited` with `retry-after` until the window ends,
 * before any credential is checked, so a right guess is not told apart from a wrong one.
 *
 * Routes that check credentials count each attempt as a failure before checking it, and take it
 * back when it succeeds, so concurrent guesses spread over any number of processes get exactly the
 * allowance. Requests carrying a key or token on every call (each search, each booking) are counted
 * once they failed and judged by what this process has learned, without a round trip on the hot
 * path: a guesser gets the allowance plus at most what it has in flight, per process, per window.
 *
 * The address is the request's `ip`: the socket's peer, or behind a proxy listed in TRUST_PROXY the
 * client it forwards for (X-Forwarded-For is read from no one else). IPv6 clients count by /64,
 * which one host commonly holds whole.
 * A success does not reset the count: a guesser holding one valid key could otherwise clear it.
 */
const credentialThrottlePlugin: FastifyPluginAsync<CredentialThrottleOptions> = async (app, options) => {
  const { limiter, policy } = options;
  const clock = options.clock ?? systemClock;
  /** Epoch ms until which an address must wait, as this process last learned. */
  const waitingUntil = new Map<string, number>();
  /** The latest of those, for a caller that cannot tell addresses apart. */
  let anyWaitingUntil = 0;

  const remember = (subject: string, waitSeconds: number): void => {
    if (waitSeconds <= 0) return;
    if (waitingUntil.size >= REMEMBERED_LIMIT) {
      const now = clock.now();
      for (const [address, until] of waitingUntil) if (until <= now) waitingUntil.delete(address);
      if (waitingUntil.size >= REMEMBERED_LIMIT) waitingUntil.clear();
    }
    const until = clock.now() + waitSeconds * 1000;
    waitingUntil.set(subject, until);
    anyWaitingUntil = Math.max(anyWaitingUntil, until);
  };
  const knownWait = (subject: string): number => {
    const until = waitingUntil.get(subject);
    if (until === undefined) return 0;
    const ms = until - clock.now();
    if (ms > 0) return Math.ceil(ms / 1000);
    waitingUntil.delete(subject);
    return 0;
  };

  app.decorate('credentialWait', (address: string | undefined) => {
    if (address !== undefined) return knownWait(addressSubject(address));
    return Math.max(0, Math.ceil((anyWaitingUntil - clock.now()) / 1000));
  });

  /** Attempts counted before their check, with the count: forgiven unless they fail. */
  const countedAhead = new WeakMap<FastifyRequest, FailureCount>();

  app.addHook('onRequest', async (request, reply) => {
    if (!presentsCredentials(request)) return;
    const subject = addressSubject(request.ip);
    const known = knownWait(subject);
    if (known > 0) return refuse(request, reply, known);
    if (request.routeOptions.config?.checksCredentials !== true) return;
    const counted = await ask(request, () => limiter.recordFailure(subject, policy));
    if (counted === undefined) return;
    if (counted.failures > policy.maxFailures) {
      remember(subject, counted.waitSeconds);
      return refuse(request, reply, counted.waitSeconds);
    }
    countedAhead.set(request, counted);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const ahead = countedAhead.get(request);
    if (ahead !== undefined) {
      const subject = addressSubject(request.ip);
      if (reply.statusCode === 401) remember(subject, ahead.waitSeconds);
      else await ask(request, () => limiter.forgiveFailure(subject, policy));
      return payload;
    }
    if (reply.statusCode !== 401 || !presentsCredentials(request)) return payload;
    const subject = addressSubject(request.ip);
    const counted = await ask(request, () => limiter.recordFailure(subject, policy));
    if (counted !== undefined) remember(subject, counted.waitSeconds);
    return payload;
  });
};

/** True when the request offers a credential to be checked. */
function presentsCredentials(request: FastifyRequest): boolean {
  return (
    request.headers['x-api-key'] !== undefined ||
    request.headers.authorization !== undefined ||
    request.routeOptions.config?.checksCredentials === true
  );
}

/**
 * The limiter's answer, or undefined when its backend is down: a lost count must not turn an outage
 * into refused sign-ins (the Redis backend counts in process meanwhile, so this is rare).
 */
async function ask<T>(request: FastifyRequest, question: () => Promise<T>): Promise<T | undefined> {
  try {
    return await question();
  } catch (error) {
    if (!(error instanceof RateLimiterUnavailableError)) throw error;
    request.log.warn({ err: error }, 'failed-credential counter unavailable');
    return undefined;
  }
}

function refuse(request: FastifyRequest, reply: FastifyReply, waitSeconds: number): FastifyReply {
  reply.header('retry-after', waitSeconds);
  return replyWithProblem(
    request,
    reply,
    'rate-limited',
    `Too many failed credential attempts from this address; retry after ${waitSeconds} s.`,
  );
}

/**
 * What failures are counted against: an IPv4 address (also when IPv4-mapped), or the /64 of an IPv6
 * address, since one IPv6 host commonly holds a whole /64 to rotate through.
 */
export function addressSubject(address: string): string {
  const unmapped = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(unmapped) === 4) return unmapped;
  if (isIP(address) !== 6) return address;
  return `${ipv6Groups(address.split('%')[0] ?? address)
    .slice(0, 4)
    .join(':')}::/64`;
}

/** The eight groups of an IPv6 address, in shortest hex, its `::` expanded. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const parts = (text: string): string[] => (text === '' ? [] : text.split(':'));
  // An embedded IPv4 tail stands for two groups; only the count matters, the /64 lies before it.
  const width = (groups: string[]): number =>
    groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - width(left) - width(right)).fill('0');
  return [...left, ...zeros, ...right].map((group) =>
    group.includes('.') ? group : Number.parseInt(group, 16).toString(16),
  );
}

/** The failed-credential throttle (fastify-plugin: hooks apply to the whole app). */
export const credentialThrottle = fp(credentialThrottlePlugin, {
  fastify: '5.x',
  name: 'travel-platform-credential-throttle',
});
