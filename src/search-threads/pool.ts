import type { Worker } from 'node:worker_threads';
import { DomainError } from '../core/errors.js';
import type { FlightSearchRequest } from '../core/flights/flight-search-request.js';
import type { TimetableLayout } from '../core/flights/timetable/timetable-layout.js';
import type { HotelSearchRequest } from '../core/hotels/hotel-search.js';
import type { SearchRun } from '../core/search/search-results.js';
import { SearchCancelledError } from '../core/search/work-budget.js';
import { StoreUnavailableError } from '../ports/store.js';
import { moduleThread } from './module-thread.js';
import {
  type SearchAnswer,
  type SearchTask,
  type SearchThreadSetup,
  type ThreadError,
  TIMETABLE_STALE,
  type ToSearchThread,
} from './protocol.js';

/** How many searches the pool has run, for tests and metrics. */
export interface SearchPoolStats {
  threads: number;
  completed: number;
  queued: number;
  /** Searches that ended cancelled: dropped from the queue, or stopped on their thread. */
  cancelled: number;
}

interface Pending {
  task: SearchTask;
  resolve: (run: SearchRun<unknown>) => void;
  reject: (error: Error) => void;
  /** Stops listening to the caller's signal once the search is settled. */
  release: () => void;
}

interface Thread {
  worker: Worker;
  ready: Promise<void>;
  /** Came up once: only such a thread is replaced when it dies (one that cannot start never will). */
  started: boolean;
  /** Searches posted to the thread and not answered yet, in the order posted (it answers in order). */
  busy: Pending[];
}

/**
 * Searches posted to a thread at once: the one it runs and the next, waiting in its message queue,
 * so it starts that one the moment it answers instead of idling until the event loop (busy with
 * HTTP) has read the answer and posted more. Its queue is short so a cancellation still drops
 * searches from the pool's queue, and a later idle thread still gets the rest.
 */
export const POSTED_PER_THREAD = 2;

function toError(error: ThreadError): Error {
  switch (error.kind) {
    case 'domain':
      return new DomainError(error.code, error.message, error.details);
    case 'cancelled':
      return new SearchCancelledError();
    case 'store-unavailable':
      return new StoreUnavailableError(error.message);
    case 'other':
      return new Error(error.message);
  }
}

/**
 * Origin searches on worker threads, one search per thread at a time (and the next posted to it),
 * the rest queued in arrival order. The event loop that serves cached answers only posts a task and later reads its answer.
 * Single-flight stays where it was, in the cache in front of the pool: concurrent misses on one
 * key join one `getOrSet`, which posts one task. A search whose signal aborts (no client waits for
 * it any more) is dropped from the queue, or, when already running, told to stop by a message: an
 * AbortSignal cannot be sent to a thread.
 */
export class SearchPool {
  readonly #setup: SearchThreadSetup;
  readonly #threads: Thread[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #completed = 0;
  #cancelled = 0;
  #closed = false;
  /** The timetable the threads search, handed to every thread that starts later too. */
  #timetable: TimetableLayout | undefined;
  #onTimetableStale: (() => void) | undefined;

  constructor(setup: SearchThreadSetup, size: number) {
    this.#setup = setup;
    for (let i = 0; i < size; i++) this.#threads.push(this.#spawn());
  }

  /** Resolves once every thread has opened its store. */
  async ready(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.ready));
  }

  flights(request: FlightSearchRequest, signal?: AbortSignal): Promise<SearchRun<unknown>> {
    return this.#run({ type: 'search', id: this.#nextId++, kind: 'flights', request }, signal);
  }

  hotels(request: HotelSearchRequest, signal?: AbortSignal): Promise<SearchRun<unknown>> {
    return this.#run({ type: 'search', id: this.#nextId++, kind: 'hotels', request }, signal);
  }

  /** Every thread searches `layout` from its next search on (shared memory, not a copy). */
  shareTimetable(layout: TimetableLayout): void {
    this.#timetable = layout;
    for (const thread of this.#threads)
      thread.worker.postMessage({ type: 'timetable', layout } satisfies ToSearchThread);
  }

  /** Called when a thread finds the store ahead of the timetable in a way only a rebuild fixes. */
  onTimetableStale(listener: () => void): void {
    this.#onTimetableStale = listener;
  }

  stats(): SearchPoolStats {
    return {
      threads: this.#threads.length,
      completed: this.#completed,
      queued: this.#queue.length,
      cancelled: this.#cancelled,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new Error('the search pool is closed'));
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }

  #run(task: SearchTask, signal: AbortSignal | undefined): Promise<SearchRun<unknown>> {
    if (this.#closed) return Promise.reject(new Error('the search pool is closed'));
    if (signal?.aborted) {
      this.#cancelled += 1;
      return Promise.reject(new SearchCancelledError());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.#cancel(pending);
      const pending: Pending = {
        task,
        resolve: (run) => {
          pending.release();
          resolve(run);
        },
        reject: (error) => {
          pending.release();
          if (error instanceof SearchCancelledError) this.#cancelled += 1;
          reject(error);
        },
        release: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  /** A queued search leaves the queue; a running one is told to stop and answers cancelled. */
  #cancel(pending: Pending): void {
    const queued = this.#queue.indexOf(pending);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      pending.reject(new SearchCancelledError());
      return;
    }
    // Posted to a thread: the thread takes its tasks in order, so the cancel finds it running or done.
    const thread = this.#threads.find((candidate) => candidate.busy.includes(pending));
    thread?.worker.postMessage({ type: 'cancel', id: pending.task.id } satisfies ToSearchThread);
  }

  #dispatch(): void {
    // Idle threads first, then a second task to each busy one.
    for (let posted = 0; posted < POSTED_PER_THREAD; posted++) {
      for (const thread of this.#threads) {
        if (this.#queue.length === 0) return;
        if (thread.busy.length !== posted) continue;
        const pending = this.#queue.shift() as Pending;
        thread.busy.push(pending);
        thread.worker.postMessage(pending.task satisfies ToSearchThread);
      }
    }
  }

  #spawn(): Thread {
    const worker = moduleThread(import.meta.url, 'search-thread', this.#setup);
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    // A thread that never comes up must not leave `ready()` rejected and unobserved.
    ready.catch(() => {});
    const thread: Thread = { worker, ready, started: false, busy: [] };
    if (this.#timetable)
      worker.postMessage({ type: 'timetable', layout: this.#timetable } satisfies ToSearchThread);
    worker.on('message', (message: SearchAnswer | 'ready' | typeof TIMETABLE_STALE) => {
      if (message === TIMETABLE_STALE) {
        this.#onTimetableStale?.();
        return;
      }
      if (message === 'ready') {
        thread.started = true;
        markReady();
        return;
      }
      const at = thread.busy.findIndex((candidate) => candidate.task.id === message.id);
      const pending = at >= 0 ? thread.busy.splice(at, 1)[0] : undefined;
      this.#completed += 1;
      if (pending !== undefined) {
        if (message.ok) pending.resolve(message.run);
        else pending.reject(toError(message.error));
      }
      this.#dispatch();
    });
    worker.on('error', (error) => {
      failReady(error);
      for (const pending of thread.busy.splice(0)) pending.reject(error);
    });
    worker.on('exit', (code) => {
      failReady(new Error(`a search thread exited with ${code} before it was ready`));
      for (const pending of thread.busy.splice(0)) pending.reject(new Error('a search thread exited'));
      if (this.#closed || !thread.started) return;
      // Replace the thread so the pool keeps its size; queued searches go to the newcomer.
      const index = this.#threads.indexOf(thread);
      if (index >= 0) this.#threads[index] = this.#spawn();
      this.#dispatch();
    });
    return thread;
  }
}
