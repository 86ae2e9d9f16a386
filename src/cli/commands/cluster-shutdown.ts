import cluster, { type Worker } from 'node:cluster';
import { onStopSignals, STOP_SIGNALS } from '../shutdown.js';

/** What the primary's restart logic needs to know of a shutdown. */
export interface ClusterShutdown {
  /** True from the first stop signal on: exited workers are then not replaced. */
  readonly stopping: boolean;
}

export interface ClusterShutdownOptions {
  /** How long each worker may drain (its own grace period, see drainOnSignals). */
  graceMs: number;
  log(line: string): void;
  /** Called once when stopping begins, before the workers are told (e.g. to cancel pending restarts). */
  onStop?: () => void;
  /** Exits the primary; injectable for tests. */
  exit?: (code: number) => void;
}

/** Past the workers' own grace period, the primary stops waiting for them after this much more. */
const BACKSTOP_MARGIN_MS = 5_000;

/**
 * The primary's side of a drain. On the first SIGTERM or SIGINT it passes SIGTERM to every worker
 * (each drains its own in-flight requests, see drainOnSignals) and exits once every worker has
 * exited — never before: a worker whose primary is gone exits at once (node:cluster's disconnect
 * handling), dropping what it was still serving. Later signals, to the primary or to the whole
 * process group, are absorbed (logged once); workers absorb theirs too.
 *
 * Exit code 0 when every worker drained cleanly (exit 0, or killed by a stop signal before it had
 * installed its drain, i.e. before it served anything); 1 otherwise. A worker still there
 * `graceMs` + 5 s later has outlasted its own grace: it is killed and the primary exits 1.
 */
export function stopWorkersOnSignals(options: ClusterShutdownOptions): ClusterShutdown {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const state = { stopping: false };
  let clean = true;
  const living = (): Worker[] =>
    Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
  const exitWhenAllGone = (): void => {
    if (living().length > 0) return;
    options.log(`every worker has exited; primary exits ${clean ? 0 : 1}`);
    exit(clean ? 0 : 1);
  };
  onStopSignals(
    (signal) => {
      state.stopping = true;
      options.onStop?.();
      const workers = living();
      options.log(`${signal}: draining ${workers.length} worker processes`);
      cluster.on('exit', (worker, code, workerSignal) => {
        const stoppedBySignal =
          workerSignal !== null && (STOP_SIGNALS as readonly string[]).includes(workerSignal);
        if (code !== 0 && !stoppedBySignal) {
          clean = false;
          options.log(`worker ${worker.process.pid} exited (${workerSignal ?? code}) while draining`);
        }
        exitWhenAllGone();
      });
      // A worker that received the signal itself (a group-wide kill) absorbs this repeat.
      for (const worker of workers) worker.process.kill('SIGTERM');
      const backstop = setTimeout(() => {
        const stuck = living();
        options.log(`${stuck.length} worker processes outlasted their grace period; killing them`);
        for (const worker of stuck) worker.process.kill('SIGKILL');
        exit(1);
      }, options.graceMs + BACKSTOP_MARGIN_MS);
      backstop.unref();
      exitWhenAllGone();
    },
    () => options.log('already stopping: further stop signals are ignored'),
  );
  return state;
}
