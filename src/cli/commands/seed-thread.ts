import type { DemoInventoryOptions, WorldBatch } from '../../core/demo-inventory/generate.js';
import type { RealismReport } from '../../core/demo-inventory/realism-report.js';
import type { Airport } from '../../ports/airports.js';
import { moduleThread } from '../../search-threads/module-thread.js';

/** What the generator thread posts: a batch (its typed arrays transferred), the end, or its failure. */
export type GeneratorMessage =
  | { kind: 'batch'; batch: WorldBatch }
  | { kind: 'done'; report: RealismReport | undefined }
  | { kind: 'failed'; message: string; stack?: string };

export interface GeneratorSetup {
  airports: Airport[];
  options: DemoInventoryOptions;
  /** Batches the thread may be ahead of the writer (each is a day of flights: ~5 MB at 3,000 airports). */
  ahead: number;
}

const AHEAD = 4;

/**
 * The demo world's batches (`demoWorldBatches`) generated on a thread of their own while this
 * thread writes them: two cores work at once, so a seed takes the longer of generating and
 * writing instead of their sum. The batches are the same, in the same order (one generator, one
 * random stream); the thread stays at most a few batches ahead, so memory stays bounded.
 */
export function threadedWorldBatches(
  airports: readonly Airport[],
  options: DemoInventoryOptions,
): AsyncIterator<WorldBatch, RealismReport | undefined> & { close(): Promise<void> } {
  const generator: GeneratorSetup = { airports: [...airports], options, ahead: AHEAD };
  const worker = moduleThread(import.meta.url, 'seed-generator', generator);
  const arrived: GeneratorMessage[] = [];
  let waiting: { resolve: (message: GeneratorMessage) => void; reject: (error: Error) => void } | undefined;
  let failure: Error | undefined;
  const deliver = (message: GeneratorMessage): void => {
    if (waiting) {
      const { resolve } = waiting;
      waiting = undefined;
      resolve(message);
    } else arrived.push(message);
  };
  const fail = (error: Error): void => {
    failure ??= error;
    if (waiting) {
      const { reject } = waiting;
      waiting = undefined;
      reject(error);
    }
  };
  worker.on('message', deliver);
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (code !== 0) fail(new Error(`the seed generator thread exited with code ${code}`));
  });
  return {
    async next() {
      const message =
        arrived.shift() ??
        (failure
          ? Promise.reject(failure)
          : await new Promise<GeneratorMessage>((resolve, reject) => {
              waiting = { resolve, reject };
            }));
      const received = await message;
      switch (received.kind) {
        case 'batch':
          // One batch taken: the thread may make one more.
          worker.postMessage('more');
          return { done: false, value: received.batch };
        case 'done':
          return { done: true, value: received.report };
        case 'failed': {
          const error = new Error(received.message);
          if (received.stack) error.stack = received.stack;
          throw error;
        }
      }
    },
    /** Stops the thread (done or not). */
    async close() {
      await worker.terminate();
    },
  };
}
