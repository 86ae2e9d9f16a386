import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

export interface DrainOptions {
  /** Longest wait (ms) for in-flight requests before exiting anyway. */
  graceMs: number;
  /** Exits the process; injectable for tests. */
  exit?: (code: number) => void;
}

/** The signals that ask a server to stop: SIGTERM (systemd, Kubernetes, `kill`) and SIGINT (Ctrl-C). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** How long a worker may drain: past the request timeout nothing legitimate is still running. */
export function drainGraceMs(config: Pick<Config, 'requestTimeoutMs'>): number {
  return config.requestTimeoutMs + 5_000;
}

/**
 * Calls `onFirst` on the first SIGTERM or SIGINT and absorbs every later one (logged once through
 * `onRepeat`): a group-wide `kill -TERM -PGID`, systemd's default, reaches every process of a
 * cluster at once, the primary forwards it again, and an impatient operator repeats it. With
 * `process.once`, the second signal would meet Node's default action and kill a process still
 * draining, dropping its in-flight requests.
 */
export function onStopSignals(onFirst: (signal: NodeJS.Signals) => void, onRepeat: () => void): void {
  let stopping = false;
  let repeatLogged = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (!stopping) {
      stopping = true;
      onFirst(signal);
      return;
    }
    if (repeatLogged) return;
    repeatLogged = true;
    onRepeat();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handle);
}

/**
 * On SIGTERM or SIGINT: stop accepting connections, let every request already in flight finish
 * (Fastify's close waits for them; new requests on kept-alive connections get 503), close the
 * platform through the app's onClose hook, then exit 0 — or 1 if draining outlasts `graceMs`. Rolling
 * restarts and scale-in therefore drop no request that reached the server, however many signals come.
 */
export function drainOnSignals(app: FastifyInstance, options: DrainOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  onStopSignals(
    (signal) => {
      app.log.info({ signal }, 'draining in-flight requests before exit');
      const deadline = setTimeout(() => {
        app.log.error({ graceMs: options.graceMs }, 'in-flight requests outlasted the grace period; exiting');
        exit(1);
      }, options.graceMs);
      deadline.unref();
      app.close().then(
        () => {
          clearTimeout(deadline);
          exit(0);
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'closing failed');
          exit(1);
        },
      );
    },
    () => app.log.info('already draining: further stop signals are ignored'),
  );
}
