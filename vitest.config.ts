import { defineConfig } from 'vitest/config';

/**
 * Test files that need a process of their own. Every other file shares its worker process with the
 * files before it (`isolate: false`): the modules of node_modules (Fastify, the AWS SDK, CDK) are
 * then loaded once per worker instead of once per file, which was half the CPU time of the light
 * files. These cannot share:
 */
const OWN_PROCESS = [
  // The Lambda handlers keep their platform in module scope between invocations, as a warm sandbox
  // does; each file's cold start must be its own.
  'test/lambda/**/*.test.ts',
  // Heap measurements: what earlier files left on the heap of a shared process would be in them.
  'test/search/cache-heap.test.ts',
  'test/api/heap-shedding.test.ts',
];

export default defineConfig({
  test: {
    // Child processes run a JavaScript copy of the sources (test/helpers/built-sources.ts): made here.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at once even on 2 cores (Vitest's default there is one): most integration files wait
    // on child processes, servers and sockets rather than compute, so the second core is otherwise idle.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
    },
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: OWN_PROCESS, isolate: false },
      },
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS } },
    ],
  },
});
