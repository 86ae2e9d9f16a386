import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ChildProcesses, waitUntilReady } from '../../bench/child-processes.js';
import { dropSchema, postgresEnv, uniqueSchema } from '../../test/helpers/postgres.js';
import { RedisServer, randomPort } from '../../test/helpers/redis-server.js';
import { type Answer, isError, send, Tally } from '../http-load.js';
import { type Check, check, type Scenario } from '../scenario.js';
import { book, CLI, findOffers, searchPaths, seedStore } from '../seeded-store.js';

const SEARCH_CLIENTS = 8;
const BOOKING_CLIENTS = 2;
const BASELINE_MS = 8_000;
const OUTAGE_MS = 20_000;
const RECOVERY_MS = 10_000;
/** The second outage, during which both instances are stopped. */
const OUTAGE_BEFORE_STOP_MS = 8_000;
/** The limited key's plan: tokens per second and bucket size. */
const RATE = 2;
const BURST = 4;

type Phase = 'baseline' | 'outage' | 'recovery' | 'second outage';
const PHASES = ['baseline', 'outage', 'recovery', 'second outage'] as const;

/** The most a plan admits in `ms` on `buckets` independent buckets (a full bucket to start with). */
const planAllows = (ms: number, buckets: number): number => buckets * (BURST + Math.ceil((RATE * ms) / 1000));

/**
 * Two instances on PostgreSQL sharing a private Redis (cache, event bus, rate limits), under search,
 * booking and rate-limited load: Redis is killed for 20 s and restarted, then killed again and both
 * instances are stopped while it is down.
 */
export const redisKilled: Scenario = {
  name: 'redis-killed',
  title: `Redis killed for ${OUTAGE_MS / 1000} s under load on 2 instances (PostgreSQL + Redis), then a stop with Redis down`,
  async run({ workDir, log }): Promise<Check[]> {
    const children = new ChildProcesses();
    const schema = uniqueSchema('chaos_redis');
    const redisPort = randomPort();
    let redis = new RedisServer(redisPort);
    try {
      await redis.start();
      const redisEnv = { CACHE: 'redis', EVENT_BUS: 'redis', RATE_LIMITER: 'redis', REDIS_URL: redis.url };
      const store = await seedStore(children, { ...postgresEnv(schema), ...redisEnv }, workDir);
      const limitedKey = /^key:\s+(\S+)$/m.exec(
        await children.run({
          name: 'keys create',
          args: [
            ...CLI,
            'keys',
            'create',
            '--name=limited',
            `--rate=${RATE}`,
            `--burst=${BURST}`,
            '--quota=100000000',
          ],
          env: store.env,
          logFile: join(workDir, 'setup.log'),
        }),
      )?.[1];
      if (!limitedKey) throw new Error('keys create printed no key');

      const instances: { name: string; base: string; child: ChildProcess }[] = [];
      for (const name of ['a', 'b']) {
        const port = randomPort();
        const child = children.start({
          name,
          args: [...CLI, 'serve'],
          env: { ...store.env, WORKERS: '1', PORT: String(port), INSTANCE_ID: name },
          logFile: join(workDir, `serve-${name}.log`),
        });
        const base = `http://127.0.0.1:${port}`;
        await waitUntilReady(`${base}/health/ready`, child);
        instances.push({ name, base, child });
      }
      const baseOf = (n: number): string => (instances[n % instances.length] as { base: string }).base;
      const offers = await findOffers(baseOf(0), store, 40);
      const paths = searchPaths(store, 300);

      let phase: Phase = 'baseline';
      const byPhase = <T>(make: () => T): Record<Phase, T> =>
        Object.fromEntries(PHASES.map((name) => [name, make()])) as Record<Phase, T>;
      const tallies = byPhase(() => new Tally());
      const limited = byPhase(() => new Tally());
      const phaseMs = byPhase(() => 0);
      // Requests that straddle two phases count in neither.
      const straddling = new Tally();
      let stop = false;
      let sequence = 0;
      const record = (tally: Record<Phase, Tally>, started: Phase, answer: Answer): void => {
        if (phase === started) tally[started].add(answer);
        else straddling.add(answer);
      };
      const loop = async (kind: 'search' | 'booking' | 'limited'): Promise<void> => {
        while (!stop) {
          const n = sequence++;
          const started = phase;
          const base = baseOf(n);
          if (kind === 'booking')
            record(
              tallies,
              started,
              await book(base, store, offers[n % offers.length] as string, `redis-${n}`),
            );
          else {
            const key = kind === 'limited' ? limitedKey : store.apiKey;
            const answer = await send(base, 'GET', paths[n % paths.length] as string, { 'x-api-key': key });
            record(kind === 'limited' ? limited : tallies, started, answer);
          }
        }
      };
      const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const load = Promise.all([
        ...Array.from({ length: SEARCH_CLIENTS }, () => loop('search')),
        ...Array.from({ length: BOOKING_CLIENTS }, () => loop('booking')),
        loop('limited'),
      ]);
      let phaseStart = performance.now();
      const nextPhase = (next: Phase): void => {
        phaseMs[phase] = performance.now() - phaseStart;
        phase = next;
        phaseStart = performance.now();
      };
      await wait(BASELINE_MS);
      await redis.kill();
      nextPhase('outage');
      log('Redis killed');
      await wait(OUTAGE_MS);
      redis = new RedisServer(redisPort);
      await redis.start();
      nextPhase('recovery');
      const restartedAt = performance.now();
      log('Redis restarted');
      const readyAfter = await Promise.all(
        instances.map(async ({ base }) => {
          for (;;) {
            const answer = await send(base, 'GET', '/health/ready');
            if (answer.status === 200 && (JSON.parse(answer.body) as { status: string }).status === 'ok')
              return performance.now() - restartedAt;
            if (performance.now() - restartedAt > RECOVERY_MS * 3) return Number.POSITIVE_INFINITY;
            await wait(100);
          }
        }),
      );
      await wait(Math.max(0, RECOVERY_MS - (performance.now() - restartedAt)));
      // The second outage, then a stop of both instances while Redis is still down.
      await redis.kill();
      nextPhase('second outage');
      await wait(OUTAGE_BEFORE_STOP_MS);
      stop = true;
      await load;
      nextPhase('second outage');
      const stopStarted = performance.now();
      const exits = await Promise.all(
        instances.map(async ({ child }) => {
          const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
          child.kill('SIGTERM');
          const [code, signal] = await exited;
          return { code: code ?? signal, ms: performance.now() - stopStarted };
        }),
      );

      for (const name of PHASES)
        log(
          `${name} (${(phaseMs[name] / 1000).toFixed(1)} s): ${tallies[name]}; limited key: ${limited[name]}`,
        );
      log(
        `Redis back: ready (cache and bus ok) after ${readyAfter.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`,
      );
      log(
        `stop with Redis down: ${exits.map(({ code, ms }) => `exit ${code} after ${ms.toFixed(0)} ms`).join('; ')}`,
      );

      const phases = PHASES;
      const errors = phases.map((name) => tallies[name].count(isError));
      const requests = phases.reduce((sum, name) => sum + tallies[name].total, 0);
      const limitChecks = phases.map((name) => {
        // While Redis is down each instance limits on its own, so the plan holds per instance.
        const buckets = name === 'outage' || name === 'second outage' ? instances.length : 1;
        const admitted = limited[name].count((key) => key === '200');
        return { name, admitted, allowed: planAllows(phaseMs[name], buckets), total: limited[name].total };
      });
      return [
        check(
          'no request fails while Redis is down or coming back (answered from the local tier and fallbacks)',
          errors.every((count) => count === 0),
          `${errors.reduce((a, b) => a + b, 0)} errors (5xx or dropped) in ${requests} requests: ${phases.map((name, i) => `${name} ${errors[i]} of ${tallies[name].total}`).join(', ')}`,
        ),
        check(
          `a key limited to ${RATE}/s (burst ${BURST}) stays within its plan (per instance while Redis is down)`,
          limitChecks.every(({ admitted, allowed }) => admitted <= allowed),
          limitChecks
            .map(
              ({ name, admitted, allowed, total }) =>
                `${name} ${admitted} of ${total} admitted (plan allows ${allowed})`,
            )
            .join(', '),
        ),
        check(
          'both instances report ready with cache and bus ok soon after Redis is back',
          readyAfter.every((ms) => ms < RECOVERY_MS),
          `ready after ${readyAfter.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' and ')}`,
        ),
        check(
          'a stop with Redis down exits 0 promptly (nothing in flight: well under the 15 s grace)',
          exits.every(({ code, ms }) => code === 0 && ms < 5_000),
          exits.map(({ code, ms }) => `exit ${code} after ${(ms / 1000).toFixed(2)} s`).join('; '),
        ),
      ];
    } finally {
      await children.stopAll();
      await redis.kill();
      await dropSchema(schema).catch(() => undefined);
    }
  },
};
