import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `stem` next to the caller (`callerUrl`: its `import.meta.url`):
 * the compiled JavaScript when the caller runs built, or, when it runs as TypeScript (development,
 * tests), the TypeScript source loaded through tsx's loader registered in the new thread first
 * (Node 20 threads do not take `--import` loaders from execArgv). The search threads and the demo
 * seeder's generator thread start this way.
 */
export function moduleThread(callerUrl: string, stem: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${stem}.js`, callerUrl), { workerData });
  const source = new URL(`./${stem}.ts`, callerUrl).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
