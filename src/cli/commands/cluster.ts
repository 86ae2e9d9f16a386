import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { isClusterMessage } from '../../adapters/events/cluster-relayed.js';

/** The number of `serve` workers `WORKERS` asks for: 0 is one per core. */
export function workerCount(configured: number): number {
  return configured > 0 ? configured : availableParallelism();
}

/**
 * The cluster primary of `serve`: forks `count` workers that share the listening port. The first
 * is forked alone and the others once it listens, so only one of them seeds an empty store. The
 * primary relays workers' IPC messages (events, outbox appends) to every other worker, restarts a
 * worker that dies, and on SIGTERM/SIGINT stops them all.
 */
export async function runPrimary(count: number, log: (line: string) => void): Promise<void> {
  let stopping = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isClusterMessage(message)) return;
      for (const other of Object.values(cluster.workers ?? {}))
        if (other && other !== worker && other.isConnected()) other.send(message);
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  const first = fork();
  await new Promise<void>((resolve, reject) => {
    first.once('listening', () => resolve());
    first.once('exit', (code) => reject(new Error(`the first worker exited with ${code} before listening`)));
  });
  for (let i = 1; i < count; i++) fork();
  log(`serving with ${count} worker processes`);
  const stop = (): void => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.once('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
