import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's collector as `--expose-gc` offers it; `execution: 'async'` resolves once it ran. */
type Collector = (options: { type: 'major'; execution: 'async' }) => Promise<void>;

/** Forced collections are at most this frequent: each one pauses the process for a while. */
const MIN_COLLECT_INTERVAL_MS = 5_000;

/**
 * The heap the process really holds. `heapUsed` counts garbage too, and V8 lets garbage build up
 * to near its limit before it collects in full, so a heap bound on `heapUsed` sheds load for memory
 * a collection would give back at once. The heap used right after the last full (mark-compact)
 * collection is what was live then; since, the live heap has grown by at most what is used now.
 */
export class LiveHeap {
  #afterFullGc = Number.POSITIVE_INFINITY;
  #lastCollectAt = Number.NEGATIVE_INFINITY;
  readonly #observer: PerformanceObserver;

  constructor() {
    this.#observer = new PerformanceObserver((list) => {
      const full = list
        .getEntries()
        .some(
          (entry) =>
            (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
        );
      if (full) this.#afterFullGc = getHeapStatistics().used_heap_size;
    });
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** Live bytes, as well as they are known without a collection: see the class comment. */
  bytes(): number {
    return Math.min(process.memoryUsage().heapUsed, this.#afterFullGc);
  }

  /**
   * Runs a full collection now (V8 marks incrementally where it can) and then measures, so memory
   * just given back is seen at once rather than at V8's next full collection, which a server
   * shedding load, and so allocating little, may not reach for a long time. At most one every few
   * seconds; in between, answers the last measure.
   */
  async collect(): Promise<number> {
    const now = performance.now();
    if (now - this.#lastCollectAt >= MIN_COLLECT_INTERVAL_MS) {
      this.#lastCollectAt = now;
      await collector()({ type: 'major', execution: 'async' });
      this.#afterFullGc = getHeapStatistics().used_heap_size;
    }
    return this.bytes();
  }

  close(): void {
    this.#observer.disconnect();
  }
}

let exposed: Collector | undefined;

/**
 * V8's collector: `global.gc` when node runs with --expose-gc, else exposed on demand (the flag set
 * at run time, then `gc` read from a fresh context, as jest's leak detector does).
 */
function collector(): Collector {
  if (exposed !== undefined) return exposed;
  const global = (globalThis as { gc?: Collector }).gc;
  if (global !== undefined) {
    exposed = global;
    return exposed;
  }
  setFlagsFromString('--expose-gc');
  exposed = runInNewContext('gc') as Collector;
  return exposed;
}
