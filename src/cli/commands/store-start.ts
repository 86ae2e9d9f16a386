import type { Config } from '../../config.js';
import { listenStandIn } from '../../http/stand-in-server.js';
import { type BackoffPolicy, backoffDelay } from '../../kernel/backoff.js';
import { StoreUnavailableError } from '../../ports/store.js';

/**
 * Delays between attempts to reach the store at start: 0.5 s, doubling, at most 10 s apart (with
 * jitter, so the workers and instances of a fleet do not knock together), so a store that comes back
 * is found within ~10 s of it answering.
 */
export const STORE_START_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 10_000 };

/** One line an operator can act on: what failed and the driver's reason, not a stack trace. */
export function storeUnavailableLine(error: StoreUnavailableError, storeBackend: string): string {
  const reason = error.cause instanceof Error ? `: ${error.cause.message.split('\n')[0]}` : '';
  return `store unavailable (STORE=${storeBackend}): ${error.message}${reason}`;
}

export interface StoreStartOptions {
  config: Pick<Config, 'storeBackend' | 'storeStartTimeoutMs' | 'host' | 'port'>;
  /** Connections the listening socket queues, as the API's own. */
  backlog: number;
  /** Writes one line (stderr). */
  log(line: string): void;
}

/**
 * Runs `open` (building the platform, which migrates the store) until it succeeds. While the store
 * cannot be reached (StoreUnavailableError), it retries with exponential backoff and jitter for up to
 * STORE_START_TIMEOUT_MS after the first failure, logging one line per failed attempt, and a stand-in
 * server answers on the API's address meanwhile (/health/live 200, /health/ready 503, the rest 503
 * problem+json); it is closed before `open`'s result is returned, so the API can listen there. Past
 * the timeout, or at once with a timeout of 0, the last StoreUnavailableError is thrown (`serve`
 * exits 69 with its line). Any other error, and any SQLite error, is thrown at once: waiting does
 * not mend a bad configuration or a local file. See docs/adr/0019-store-connection-faults.md.
 */
export async function openWhenStoreAnswers<T>(
  open: () => Promise<T>,
  options: StoreStartOptions,
): Promise<T> {
  const { config } = options;
  let giveUpAt: number | undefined;
  let standIn: { close(): Promise<void> } | undefined;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await open();
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        // A SQLite file that cannot be opened is a path, permission or disk problem on this host, not
        // a server that may come back: the operator hears of it at once.
        if (config.storeBackend === 'sqlite') throw error;
        // Counted from the first failure: the first attempt's own time (loading, a slow connect) is no wait.
        giveUpAt ??= Date.now() + config.storeStartTimeoutMs;
        const delayMs = backoffDelay(attempt, STORE_START_BACKOFF);
        const leftMs = giveUpAt - Date.now();
        if (leftMs <= delayMs) throw error;
        options.log(
          `${storeUnavailableLine(error, config.storeBackend)}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt}, giving up in ${Math.ceil(leftMs / 1000)} s)`,
        );
        standIn ??= await listenStandIn({ host: config.host, port: config.port, backlog: options.backlog });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  } finally {
    await standIn?.close();
  }
}
