import { Worker } from 'node:worker_threads';
import { DomainError } from '../core/errors.js';
import type { FlightSearchRequest } from '../core/flights/flight-search-request.js';
import type { HotelSearchRequest } from '../core/hotels/hotel-search.js';
import type { SearchRun } from '../core/search/search-results.js';
import type { SearchAnswer, SearchTask, SearchThreadSetup, ThreadError } from './protocol.js';

/** How many searches the pool has run, for tests and metrics. */
export interface SearchPoolStats {
  threads: number;
  completed: number;
  queued: number;
}

interface Pending {
  task: SearchTask;
  resolve: (run: SearchRun<unknown>) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  ready: Promise<void>;
  /** Came up once: only such a thread is replaced when it dies (one that cannot start never will). */
  started: boolean;
  busy: Pending | undefined;
}

/**
 * The worker: compiled JavaScript next to this file, or, when this file runs as TypeScript
 * (development, tests), the TypeScript source loaded through tsx's loader registered in the new
 * thread first (Node 20 threads do not take `--import` loaders from execArgv).
 */
function newWorker(setup: SearchThreadSetup): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./search-thread.js', import.meta.url), { workerData: setup });
  const source = new URL('./search-thread.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, workerData: setup });
}

function toError(error: ThreadError): Error {
  if (error.code !== undefined) return new DomainError(error.code, error.message, error.details ?? {});
  return new Error(error.message);
}

/**
 * Origin searches on worker threads, one search per thread at a time, the rest queued in arrival
 * order. The event loop that serves cached answers only posts a task and later reads its answer.
 * Single-flight stays where it was, in the cache in front of the pool: concurrent misses on one
 * key join one `getOrSet`, which posts one task.
 */
export class SearchPool {
  readonly #setup: SearchThreadSetup;
  readonly #threads: Thread[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #completed = 0;
  #closed = false;

  constructor(setup: SearchThreadSetup, size: number) {
    this.#setup = setup;
    for (let i = 0; i < size; i++) this.#threads.push(this.#spawn());
  }

  /** Resolves once every thread has opened its store. */
  async ready(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.ready));
  }

  flights(request: FlightSearchRequest): Promise<SearchRun<unknown>> {
    return this.#run({ id: this.#nextId++, kind: 'flights', request });
  }

  hotels(request: HotelSearchRequest): Promise<SearchRun<unknown>> {
    return this.#run({ id: this.#nextId++, kind: 'hotels', request });
  }

  stats(): SearchPoolStats {
    return { threads: this.#threads.length, completed: this.#completed, queued: this.#queue.length };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new Error('the search pool is closed'));
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }

  #run(task: SearchTask): Promise<SearchRun<unknown>> {
    if (this.#closed) return Promise.reject(new Error('the search pool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ task, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const thread of this.#threads) {
      if (this.#queue.length === 0) return;
      if (thread.busy !== undefined) continue;
      const pending = this.#queue.shift() as Pending;
      thread.busy = pending;
      thread.worker.postMessage(pending.task);
    }
  }

  #spawn(): Thread {
    const worker = newWorker(this.#setup);
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    // A thread that never comes up must not leave `ready()` rejected and unobserved.
    ready.catch(() => {});
    const thread: Thread = { worker, ready, started: false, busy: undefined };
    worker.on('message', (message: SearchAnswer | 'ready') => {
      if (message === 'ready') {
        thread.started = true;
        markReady();
        return;
      }
      const pending = thread.busy;
      thread.busy = undefined;
      this.#completed += 1;
      if (pending !== undefined && pending.task.id === message.id) {
        if (message.ok) pending.resolve(message.run);
        else pending.reject(toError(message.error));
      }
      this.#dispatch();
    });
    worker.on('error', (error) => {
      failReady(error);
      thread.busy?.reject(error);
      thread.busy = undefined;
    });
    worker.on('exit', (code) => {
      failReady(new Error(`a search thread exited with ${code} before it was ready`));
      thread.busy?.reject(new Error('a search thread exited'));
      thread.busy = undefined;
      if (this.#closed || !thread.started) return;
      // Replace the thread so the pool keeps its size; queued searches go to the newcomer.
      const index = this.#threads.indexOf(thread);
      if (index >= 0) this.#threads[index] = this.#spawn();
      this.#dispatch();
    });
    return thread;
  }
}
