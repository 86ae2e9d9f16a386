import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type PrometheusContentType, type Registry } from 'prom-client';

/**
 * `/metrics` of a `node:cluster` instance: every worker counts in its own registry, and a scrape,
 * which reaches one worker, must report the sum over all of them — otherwise successive scrapes
 * alternate workers and Prometheus sees counters jump back and forth (counter resets).
 *
 *   worker answering the scrape ── request ──▶ primary ── collect ──▶ every listening worker
 *                               ◀── text ─────         ◀── registry JSON ──
 *
 * The primary sums them with prom-client's AggregatorRegistry (each metric's `aggregator`: sum by
 * default, `max`, `omit`, …) and adds what `finishAggregate` derives. Messages travel over the IPC
 * channels the cluster already has; they carry a `type`, not the `tp` of the event relay
 * (src/adapters/events/cluster-relayed.ts), so the primary's relay leaves them alone.
 */

const REQUEST = 'travel-platform:metrics-request';
const ANSWER = 'travel-platform:metrics-answer';
const COLLECT = 'travel-platform:metrics-collect';
const REPORT = 'travel-platform:metrics-report';

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

type MetricsMessage =
  | { type: typeof REQUEST; id: number }
  | { type: typeof ANSWER; id: number; text?: string; error?: string }
  | { type: typeof COLLECT; id: number }
  | { type: typeof REPORT; id: number; metrics?: MetricsJson; error?: string };

function isMetricsMessage(message: unknown): message is MetricsMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    'type' in message &&
    typeof message.type === 'string' &&
    message.type.startsWith('travel-platform:metrics-')
  );
}

/** How long a scrape waits for every worker's registry before it fails (it is then a gap, not a dip). */
const COLLECT_TIMEOUT_MS = 5_000;

/** Answers with an error message instead of throwing: both ends report failures in-band. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The worker side: answers the primary's collect requests with `registry`, and gives the scrape
 * handler a function that asks the primary for the instance-wide text. Undefined outside a cluster
 * worker (one process: its own registry is the instance's). `stop` removes the listener.
 */
export function clusterWorkerMetrics(
  registry: Registry,
): { instanceMetrics(): Promise<string>; stop(): void } | undefined {
  if (!cluster.isWorker || !process.send) return undefined;
  const send = process.send.bind(process);
  let nextId = 0;
  const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  const onMessage = (message: unknown): void => {
    if (!isMetricsMessage(message)) return;
    if (message.type === COLLECT) {
      registry.getMetricsAsJSON().then(
        (metrics) => send({ type: REPORT, id: message.id, metrics } satisfies MetricsMessage),
        (error: unknown) =>
          send({ type: REPORT, id: message.id, error: messageOf(error) } satisfies MetricsMessage),
      );
    } else if (message.type === ANSWER) {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.text !== undefined) pending?.resolve(message.text);
      else pending?.reject(new Error(message.error ?? 'no metrics'));
    }
  };
  process.on('message', onMessage);
  return {
    instanceMetrics() {
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error('the cluster primary did not answer the metrics request'));
        }, COLLECT_TIMEOUT_MS + 1_000);
        waiting.set(id, {
          resolve: (text) => {
            clearTimeout(timer);
            resolve(text);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        send({ type: REQUEST, id } satisfies MetricsMessage);
      });
    },
    stop() {
      process.off('message', onMessage);
    },
  };
}

/**
 * The primary side: answers each worker's request with the aggregate of every worker that listens
 * (one still starting has no registry yet). `finishAggregate` adds derived metrics to the summed
 * registry (see the metrics plugin: ratios are recomputed from summed counters, not summed).
 */
export function aggregateWorkerMetrics(finishAggregate: (aggregate: Registry) => void): void {
  const listening = new Set<Worker>();
  cluster.on('listening', (worker) => listening.add(worker));
  let nextId = 0;
  const collecting = new Map<
    number,
    { reports: MetricsJson[]; pending: Set<Worker>; done(error?: string): void }
  >();
  cluster.on('exit', (worker) => {
    listening.delete(worker);
    // Its counts are gone with it; a scrape in progress reports the others rather than time out.
    for (const entry of collecting.values()) {
      if (entry.pending.delete(worker) && entry.pending.size === 0) entry.done();
    }
  });

  const collect = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const workers = [...listening].filter((worker) => worker.isConnected());
      const timer = setTimeout(
        () => finish('a worker did not report its metrics in time'),
        COLLECT_TIMEOUT_MS,
      );
      const finish = (error?: string): void => {
        if (!collecting.delete(id)) return;
        clearTimeout(timer);
        if (error !== undefined) {
          reject(new Error(error));
          return;
        }
        try {
          const aggregate = AggregatorRegistry.aggregate<PrometheusContentType>(entry.reports);
          finishAggregate(aggregate);
          aggregate.metrics().then(resolve, reject);
        } catch (cause) {
          reject(cause);
        }
      };
      const entry = { reports: [] as MetricsJson[], pending: new Set(workers), done: finish };
      collecting.set(id, entry);
      for (const worker of workers) worker.send({ type: COLLECT, id } satisfies MetricsMessage);
      if (workers.length === 0) finish();
    });

  cluster.on('message', (worker, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === REQUEST) {
      collect().then(
        (text) =>
          worker.isConnected() &&
          worker.send({ type: ANSWER, id: message.id, text } satisfies MetricsMessage),
        (error: unknown) =>
          worker.isConnected() &&
          worker.send({ type: ANSWER, id: message.id, error: messageOf(error) } satisfies MetricsMessage),
      );
    } else if (message.type === REPORT) {
      const entry = collecting.get(message.id);
      if (!entry) return;
      if (message.error !== undefined || !message.metrics) {
        entry.done(message.error ?? 'no metrics');
        return;
      }
      entry.reports.push(message.metrics);
      entry.pending.delete(worker);
      if (entry.pending.size === 0) entry.done();
    }
  });
}
