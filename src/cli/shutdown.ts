import type { FastifyInstance } from 'fastify';

export interface DrainOptions {
  /** Longest wait (ms) for in-flight requests before exiting anyway. */
  graceMs: number;
  /** Exits the process; injectable for tests. */
  exit?: (code: number) => void;
}

/**
 * On SIGTERM or SIGINT: stop accepting connections, let every request already in flight finish
 * (Fastify's close waits for them; new requests on kept-alive connections get 503), close the
 * platform through the app's onClose hook, then exit 0 — or 1 if draining outlasts `graceMs`. Rolling
 * restarts and scale-in therefore drop no request that reached the server.
 */
export function drainOnSignals(app: FastifyInstance, options: DrainOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining = false;
  const drain = (signal: NodeJS.Signals): void => {
    if (draining) return;
    draining = true;
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
  };
  process.once('SIGTERM', drain);
  process.once('SIGINT', drain);
}
