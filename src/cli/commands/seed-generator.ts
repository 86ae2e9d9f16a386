import { parentPort, workerData } from 'node:worker_threads';
import { batchBuffers, demoWorldBatches } from '../../core/demo-inventory/generate.js';
import type { GeneratorMessage, GeneratorSetup } from './seed-thread.js';

/**
 * The seed command's generator thread (seed-thread.ts): posts the demo world's batches to the
 * writing thread, at most `ahead` of what it has taken.
 */
const port = parentPort;
if (!port) throw new Error('seed-generator.ts runs as a worker thread');
const setup = workerData as GeneratorSetup;
const post = (message: GeneratorMessage, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer);

let credits = setup.ahead;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits += 1;
  wake?.();
  wake = undefined;
});

try {
  const batches = demoWorldBatches(setup.airports, setup.options);
  for (;;) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    const next = batches.next();
    if (next.done) {
      post({ kind: 'done', report: next.value });
      break;
    }
    credits -= 1;
    post({ kind: 'batch', batch: next.value }, batchBuffers(next.value));
  }
} catch (error) {
  post({
    kind: 'failed',
    message: error instanceof Error ? error.message : String(error),
    ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
  });
}
