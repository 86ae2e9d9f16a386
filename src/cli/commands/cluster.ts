import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { isClusterMessage } from '../../adapters/events/cluster-relayed.js';
import { ConfigError } from '../../config.js';
import { aggregateWorkerMetrics } from '../../http/cluster-metrics.js';
import { finishClusterAggregate } from '../../http/plugins/metrics.js';
import { type BackoffPolicy, backoffDelay } from '../../kernel/backoff.js';
import { stopWorkersOnSignals } from './cluster-shutdown.js';

/** Delays between restarts of workers that keep dying soon after they started: 0.5 s doubling to 30 s. */
export const RESTART_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };
/** A worker that ran this long before it died was not crash-looping: its replacement starts at once. */
export const STABLE_WORKER_MS = 30_000;

/** The number of `serve` workers `WORKERS` asks for: 0 is one per core. */
export function workerCount(configured: number): number {
  return configured > 0 ? configured : availableParallelism();
}

/**
 * The worker processes `serve` runs given its timetable index. Each process holds its own copy of
 * the index (threads share theirs; processes cannot), so an index above SEARCH_INDEX_SHARED_MAX_MB
 * is served by one process whose search threads share one copy: WORKERS=0 (one per core) becomes
 * 1, said in `note`; an explicit WORKERS above 1 is a configuration error naming the sizes.
 */
export function workersForIndex(
  workers: { configured: number; count: number },
  index: { legs: number; bytes: number; from: 'snapshot' | 'store' } | undefined,
  sharedMaxMb: number,
): { count: number; note?: string } {
  if (workers.count <= 1 || index === undefined || index.bytes <= sharedMaxMb * 1_048_576)
    return { count: workers.count };
  const size = `${Math.round(index.bytes / 1_048_576)} MB (${index.legs.toLocaleString('en')} flights, from the ${index.from === 'snapshot' ? 'index snapshot' : "store's flight count"})`;
  if (workers.configured === 0)
    return {
      count: 1,
      note: `one worker process: the timetable index is ${size}, above SEARCH_INDEX_SHARED_MAX_MB=${sharedMaxMb}, and each process would hold its own copy; its SEARCH_THREADS search threads share one`,
    };
  throw new ConfigError([
    `WORKERS=${workers.configured} would hold ${workers.configured} copies of a timetable index of ${size}, above SEARCH_INDEX_SHARED_MAX_MB=${sharedMaxMb}: set WORKERS=1 (its SEARCH_THREADS share one copy), raise SEARCH_INDEX_SHARED_MAX_MB if the memory is there, or SEARCH_INDEX=store`,
  ]);
}

/**
 * The first worker exited before it listened (a bad store, a port in use): it has written its own
 * one-line reason to the shared stderr, so the primary only ends with the same exit code.
 */
export class FirstWorkerExitedError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`the first worker exited with ${exitCode} before listening`);
    this.name = 'FirstWorkerExitedError';
    this.exitCode = exitCode;
  }
}

/**
 * The cluster primary of `serve`: forks `count` workers that share the listening port. The first
 * is forked alone and the others once it listens, so only one of them seeds an empty store. The
 * primary relays workers' IPC messages (events, outbox appends) to every other worker, restarts a
 * worker that dies once serving has begun, and on SIGTERM/SIGINT drains them all and exits after
 * the last one (src/cli/commands/cluster-shutdown.ts; `graceMs` is each worker's drain budget). A
 * first worker that cannot start is not restarted: the primary rejects with FirstWorkerExitedError.
 *
 * A worker that dies within STABLE_WORKER_MS of its start counts as a quick death; each quick death
 * in a row delays the next restart more (RESTART_BACKOFF, with jitter), so workers that cannot start
 * (a store gone for longer than STORE_START_TIMEOUT_MS) are retried more and more slowly instead of
 * in a tight loop. One line is logged per restart, with its delay.
 */
export async function runPrimary(
  count: number,
  log: (line: string) => void,
  graceMs: number,
  /** Environment the workers get on top of the primary's (values the primary derived for them). */
  workerEnv: Record<string, string> = {},
): Promise<void> {
  // From the start: a signal while the first worker starts must not kill the primary under it.
  const restarts = new Set<NodeJS.Timeout>();
  const shutdown = stopWorkersOnSignals({
    graceMs,
    log,
    onStop: () => {
      for (const restart of restarts) clearTimeout(restart);
    },
  });
  // A scrape reaching any worker reports the sum over all of them.
  aggregateWorkerMetrics(finishClusterAggregate);
  let serving = false;
  let quickDeaths = 0;
  const startedAt = new Map<number, number>();
  const fork = (): Worker => {
    const worker = cluster.fork(workerEnv);
    startedAt.set(worker.id, Date.now());
    worker.on('message', (message: unknown) => {
      if (!isClusterMessage(message)) return;
      for (const other of Object.values(cluster.workers ?? {}))
        if (other && other !== worker && other.isConnected()) other.send(message);
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    const livedMs = Date.now() - (startedAt.get(worker.id) ?? Date.now());
    startedAt.delete(worker.id);
    if (shutdown.stopping || !serving) return;
    quickDeaths = livedMs < STABLE_WORKER_MS ? quickDeaths + 1 : 0;
    const delayMs = quickDeaths === 0 ? 0 : backoffDelay(quickDeaths, RESTART_BACKOFF);
    log(
      `worker ${worker.process.pid} exited (${signal ?? code}) after ${(livedMs / 1000).toFixed(1)} s; starting another in ${(delayMs / 1000).toFixed(1)} s (${quickDeaths} quick exits in a row)`,
    );
    const restart = setTimeout(() => {
      restarts.delete(restart);
      if (!shutdown.stopping) fork();
    }, delayMs);
    restarts.add(restart);
  });
  const first = fork();
  await new Promise<void>((resolve, reject) => {
    first.once('listening', () => resolve());
    first.once('exit', (code, signal) => {
      // Stopped while starting: the shutdown exits once it is gone.
      if (!shutdown.stopping) reject(new FirstWorkerExitedError(code ?? (signal ? 1 : 0)));
    });
  });
  if (shutdown.stopping) return;
  serving = true;
  const others = Array.from({ length: count - 1 }, () => fork());
  // Said once every worker listens (one that dies first is replaced, and this line never comes).
  await Promise.all(others.map((worker) => once(worker, 'listening')));
  log(`serving with ${count} worker processes`);
}
