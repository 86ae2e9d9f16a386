import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildProcesses, waitUntilReady } from '../../bench/child-processes.js';
import { dropSchema, postgresEnv, uniqueSchema } from '../../test/helpers/postgres.js';
import { type Answer, send, Tally } from '../http-load.js';
import { type Check, check, type Scenario } from '../scenario.js';
import { book, CLI, findOffers, searchPaths, seedStore, startTwoWorkerServe } from '../seeded-store.js';

/** Concurrent clients: half book, half search, each request on a connection of its own. */
const CLIENTS = 24;
const WARM_MS = 5_000;
/** Group-wide SIGTERMs, this far apart; each is also sent to every process directly. */
const SIGNALS = 3;
const SIGNAL_GAP_MS = 150;

/** Requests the workers' log shows started ("incoming request") and, of those, never completed. */
function workerRequests(log: string): { started: number; unanswered: number } {
  const open = new Set<string>();
  let started = 0;
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { pid?: number; reqId?: string; msg?: string };
    const id = `${entry.pid}:${entry.reqId}`;
    if (entry.msg === 'incoming request') {
      started++;
      open.add(id);
    } else if (entry.msg === 'request completed') open.delete(id);
  }
  return { started, unanswered: open.size };
}

/**
 * `serve` with two workers on PostgreSQL, under booking and search load, stopped as systemd stops a
 * service: `kill -TERM -PGID`, several times. Before the fix a repeated signal killed draining
 * workers: 10–12 of 24 in-flight requests dropped, a committed booking among them.
 */
export const sigtermStorm: Scenario = {
  name: 'sigterm-storm',
  title: `${SIGNALS}× kill -TERM -PGID on serve (WORKERS=2, PostgreSQL) under ${CLIENTS} booking and search clients`,
  async run({ workDir, log }): Promise<Check[]> {
    const children = new ChildProcesses();
    const schema = uniqueSchema('chaos_storm');
    try {
      const store = await seedStore(children, postgresEnv(schema), workDir);
      const { server, port, base, logFile } = await startTwoWorkerServe(
        children,
        // debug: Fastify logs each request as it starts and completes, the workers' own account.
        { ...store.env, LOG_LEVEL: 'debug' },
        workDir,
        { detached: true },
      );
      const primary = server.pid as number;
      const workers = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(primary)], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter((line) => line.includes('main.ts'))
        .map((line) => Number.parseInt(line.trim(), 10));
      const offers = await findOffers(base, store, 40);
      const paths = searchPaths(store, 300);
      log(`serving: primary ${primary}, workers ${workers.join(', ')}; ${offers.length} offers to book`);

      const answers: { kind: 'booking' | 'search'; key: string; answer: Answer }[] = [];
      let stopLoad = false;
      let sequence = 0;
      const client = async (kind: 'booking' | 'search'): Promise<void> => {
        while (!stopLoad) {
          const n = sequence++;
          const key = `storm-${n}`;
          const answer =
            kind === 'booking'
              ? await book(base, store, offers[n % offers.length] as string, key)
              : await send(base, 'GET', paths[n % paths.length] as string, { 'x-api-key': store.apiKey });
          answers.push({ kind, key, answer });
          // Once the listener refuses, the server is draining: stop sending.
          if (answer.failure === 'refused') return;
        }
      };
      const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const load = Promise.all(
        Array.from({ length: CLIENTS }, (_, i) => client(i % 2 === 0 ? 'booking' : 'search')),
      );
      await new Promise((resolve) => setTimeout(resolve, WARM_MS));
      const signalledAt = performance.now();
      for (let round = 0; round < SIGNALS; round++) {
        for (const pid of [-primary, primary, ...workers]) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // Gone already.
          }
        }
        await new Promise((resolve) => setTimeout(resolve, SIGNAL_GAP_MS));
      }
      const [code, signal] = await exited;
      const exitMs = performance.now() - signalledAt;
      stopLoad = true;
      await load;

      const inFlight = answers.filter(
        ({ answer }) => answer.startedAt < signalledAt && answer.endedAt >= signalledAt,
      );
      const dropped = answers.filter(
        ({ answer }) => answer.status === undefined && answer.failure !== 'refused',
      );
      const all = new Tally();
      for (const { answer } of answers) all.add(answer);
      const inFlightTally = new Tally();
      for (const { answer } of inFlight) inFlightTally.add(answer);
      const booked = answers.filter(({ kind, answer }) => kind === 'booking' && answer.status === 201);
      log(`all requests: ${all}; in flight at the first signal: ${inFlightTally}`);
      log(`exit ${code ?? signal} ${exitMs.toFixed(0)} ms after the first signal`);

      // Every acknowledged booking is stored; none that went unanswered was committed.
      const reader = children.start({
        name: 'reader',
        args: [...CLI, 'serve'],
        env: { ...store.env, WORKERS: '1', PORT: String(port) },
        logFile: join(workDir, 'reader.log'),
      });
      await waitUntilReady(`${base}/health/ready`, reader);
      let stored = 0;
      for (const { answer } of booked) {
        const id = (JSON.parse(answer.body) as { data: { id: string } }).data.id;
        const read = await send(base, 'GET', `/v1/bookings/${id}`, {
          'x-api-key': store.apiKey,
          authorization: `Bearer ${store.token}`,
        });
        if (read.status === 200) stored++;
      }
      // A booking whose connection was reset: replayed under its key, it must not turn out committed.
      let committedUnanswered = 0;
      for (const { key, kind } of dropped) {
        if (kind !== 'booking') continue;
        const n = Number(key.slice('storm-'.length));
        const replay = await book(base, store, offers[n % offers.length] as string, key);
        if (replay.headers['idempotent-replayed'] === 'true') committedUnanswered++;
      }
      await children.stop(reader);
      const { started, unanswered } = workerRequests(readFileSync(logFile, 'utf8'));

      return [
        check(
          'every request a worker had started is answered, however many signals come',
          started > 0 && unanswered === 0,
          `${started - unanswered} of ${started} requests the workers started were answered (their request log); ${inFlight.length} requests in flight at the first signal: ${inFlightTally}`,
        ),
        check(
          'no request is lost after a worker read it: a connection reset only before any worker read its request, and no booking commits without its answer',
          committedUnanswered === 0,
          `${dropped.length} of ${answers.length} connections reset (${all}); of the reset bookings replayed under their key, ${committedUnanswered} had been committed`,
        ),
        check(
          'every booking answered 201 is stored',
          booked.length > 0 && stored === booked.length,
          `${stored} of ${booked.length} acknowledged bookings readable after the restart`,
        ),
        check('the primary exits 0 after its workers drained', code === 0, `exit ${code ?? signal}`),
        check(
          'the exit is prompt: within the grace period (REQUEST_TIMEOUT_MS + 5 s = 15 s)',
          exitMs < 15_000,
          `${(exitMs / 1000).toFixed(2)} s from the first signal to the exit`,
        ),
      ];
    } finally {
      await children.stopAll();
      await dropSchema(schema).catch(() => undefined);
    }
  },
};
