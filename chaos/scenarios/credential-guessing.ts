import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ADMIN_API_KEY, benchServerEnv, createClientKey } from '../../bench/bench-setup.js';
import { ChildProcesses, waitUntilReady } from '../../bench/child-processes.js';
import { parseApiKeyId } from '../../src/core/gateway/api-key-format.js';
import { type RequestFrom, requestFrom, type TextAnswer } from '../../test/helpers/http-from.js';
import { RedisServer, randomPort } from '../../test/helpers/redis-server.js';
import { type Check, check, type Scenario } from '../scenario.js';

const CLI = ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))];
const TOKEN_PATH = '/v1/security/oauth2/token';
const LIMIT = 20;
const WINDOW_SECONDS = 30;
/** Requests in flight at once, as a guessing script with a connection pool would send them. */
const CONCURRENCY = 50;

/** What a storm of requests was answered. */
interface Tally {
  statuses: Map<number, number>;
  /** 429s without a retry-after of 1…WINDOW_SECONDS. */
  badRetryAfter: number;
  /** 429s whose body is not the expected error. */
  badBody: number;
  seconds: number;
}

const countOf = (tally: Tally, status: number): number => tally.statuses.get(status) ?? 0;
/** The allowance of a storm: `LIMIT` per window it lasted into (a storm longer than a window opens another). */
const allowanceOf = (tally: Tally): number => LIMIT * Math.ceil(tally.seconds / WINDOW_SECONDS);
/** Exactly the allowance checked (the last window may see fewer), every other answer 429 as expected. */
const throttledAsExpected = (tally: Tally, total: number): boolean =>
  countOf(tally, 401) >= LIMIT &&
  countOf(tally, 401) <= allowanceOf(tally) &&
  countOf(tally, 401) + countOf(tally, 429) === total &&
  tally.badRetryAfter === 0 &&
  tally.badBody === 0;
const describeTally = (tally: Tally): string =>
  `${[...tally.statuses].map(([status, n]) => `${n.toLocaleString('en')} × ${status}`).join(', ')} in ${tally.seconds.toFixed(1)} s (allowance ${allowanceOf(tally)})`;

/** Sends `total` requests, `CONCURRENCY` at a time, and tallies the answers. */
async function storm(
  total: number,
  send: (i: number) => Promise<TextAnswer>,
  bodyIsRight: (body: string) => boolean,
): Promise<Tally> {
  const tally: Tally = { statuses: new Map(), badRetryAfter: 0, badBody: 0, seconds: 0 };
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const answer = await send(next++);
      tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
      if (answer.status !== 429) continue;
      const retryAfter = Number(answer.headers['retry-after']);
      if (!(retryAfter >= 1 && retryAfter <= WINDOW_SECONDS)) tally.badRetryAfter++;
      if (!bodyIsRight(answer.body)) tally.badBody++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}

const form = (fields: Record<string, string>): RequestFrom => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const signIn = (key: string): RequestFrom => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ key }),
});
const isAmadeusTooMany = (body: string): boolean => {
  const parsed = JSON.parse(body) as { errors?: { status: number; code: number }[] };
  return parsed.errors?.[0]?.status === 429 && parsed.errors[0].code === 38194;
};
const isRateLimitedProblem = (body: string): boolean =>
  (JSON.parse(body) as { type?: string }).type === 'https://travel-platform.dev/problems/rate-limited';

/**
 * Issue 18, item 7: 5,000 wrong client secrets on the token route and 2,000 wrong dashboard sign-ins
 * from one address, spread over two instances sharing Redis (RATE_LIMITER=redis). Expected: exactly
 * the allowance answered 401, everything after it 429 with retry-after; another address unaffected;
 * the guessing address served again once its window has passed.
 */
export const credentialGuessing: Scenario = {
  name: 'credential-guessing',
  title: 'wrong secrets and sign-ins hammered at two instances sharing Redis',
  async run({ workDir, log }) {
    const children = new ChildProcesses();
    const redis = new RedisServer(randomPort());
    await redis.start();
    try {
      const env = benchServerEnv({
        SQLITE_FILE: join(workDir, 'store.db'),
        RATE_LIMITER: 'redis',
        REDIS_URL: redis.url,
        WORKERS: '1',
        AUTH_FAILURE_LIMIT: String(LIMIT),
        AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
        LOG_LEVEL: 'warn',
      });
      const key = await createClientKey(children, CLI, 'guessed app', env, join(workDir, 'keys.log'));
      const clientId = parseApiKeyId(key) ?? '';
      const urls: string[] = [];
      for (const name of ['a', 'b']) {
        const port = randomPort();
        const server = children.start({
          name,
          args: [...CLI, 'serve'],
          env: { ...env, PORT: String(port), INSTANCE_ID: name },
          logFile: join(workDir, `${name}.log`),
        });
        await waitUntilReady(`http://127.0.0.1:${port}/health/live`, server);
        urls.push(`http://127.0.0.1:${port}`);
      }
      const on = (i: number): string => urls[i % urls.length] as string;
      const token = (secret: string) =>
        form({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      const checks: Check[] = [];

      log(`5,000 wrong secrets from 127.0.0.1, ${CONCURRENCY} at a time, alternating instances`);
      const secrets = await storm(
        5000,
        (i) => requestFrom('127.0.0.1', `${on(i)}${TOKEN_PATH}`, token(`wrong-secret-${i}`)),
        isAmadeusTooMany,
      );
      log(describeTally(secrets));
      checks.push(
        check(
          `of 5,000 wrong secrets, ${LIMIT} per ${WINDOW_SECONDS} s window are checked (401), the rest 429 (Amadeus 38194) with retry-after`,
          throttledAsExpected(secrets, 5000),
          `${describeTally(secrets)}; ${secrets.badRetryAfter} without a fitting retry-after, ${secrets.badBody} with another body`,
        ),
      );

      const elsewhere = await Promise.all(
        urls.map((url) => requestFrom('127.0.0.2', `${url}${TOKEN_PATH}`, token(key))),
      );
      const guesserRight = await requestFrom('127.0.0.1', `${on(0)}${TOKEN_PATH}`, token(key));
      checks.push(
        check(
          'meanwhile the right secret gets a token from another address on both instances, and 429 from the guessing one',
          elsewhere.every((answer) => answer.status === 200) && guesserRight.status === 429,
          `127.0.0.2: ${elsewhere.map((answer) => answer.status).join(' and ')}; 127.0.0.1: ${guesserRight.status} (retry-after ${guesserRight.headers['retry-after']})`,
        ),
      );

      log(`2,000 wrong dashboard sign-ins from 127.0.0.3`);
      const signIns = await storm(
        2000,
        (i) => requestFrom('127.0.0.3', `${on(i)}/dashboard/session`, signIn(`wrong-admin-key-${i}`)),
        isRateLimitedProblem,
      );
      log(describeTally(signIns));
      const admin = await requestFrom('127.0.0.4', `${on(1)}/dashboard/session`, signIn(BENCH_ADMIN_API_KEY));
      checks.push(
        check(
          `of 2,000 wrong sign-ins, ${LIMIT} per ${WINDOW_SECONDS} s window are checked (401), the rest 429 problem+json rate-limited; the admin key signs in from another address`,
          throttledAsExpected(signIns, 2000) && admin.status === 204,
          `${describeTally(signIns)}; admin sign-in from 127.0.0.4: ${admin.status}`,
        ),
      );

      const wait = Number(guesserRight.headers['retry-after'] ?? WINDOW_SECONDS);
      log(`waiting ${wait} s for the guessing address's window to pass`);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 500));
      const after = await Promise.all(
        urls.map((url) => requestFrom('127.0.0.1', `${url}${TOKEN_PATH}`, token(key))),
      );
      checks.push(
        check(
          'once its window has passed, the guessing address gets a token with the right secret on both instances',
          after.every((answer) => answer.status === 200),
          `after ${wait} s: ${after.map((answer) => answer.status).join(' and ')}`,
        ),
      );
      return checks;
    } finally {
      await children.stopAll();
      await redis.kill();
    }
  },
};
