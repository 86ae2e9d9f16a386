#!/usr/bin/env node
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { createPlatform } from '../composition/platform.js';
import { searchThreadCount } from '../composition/search.js';
import { timetableIndexSize } from '../composition/timetable.js';
import { ConfigError, loadConfig } from '../config.js';
import { availableImportKinds } from '../core/imports/import-registry.js';
import { StoreUnavailableError } from '../ports/store.js';
import { run as runBackup } from './commands/backup.js';
import { FirstWorkerExitedError, runPrimary, workerCount, workersForIndex } from './commands/cluster.js';
import { run as runCost } from './commands/cost.js';
import { run as runDlq } from './commands/dlq.js';
import { runExport } from './commands/export.js';
import { runImport } from './commands/import.js';
import { run as runKeys } from './commands/keys.js';
import { run as runRestore } from './commands/restore.js';
import { seedInventory } from './commands/seed.js';
import { LISTEN_BACKLOG, serve } from './commands/serve.js';
import { openWhenStoreAnswers, storeUnavailableLine } from './commands/store-start.js';
import { run as runToken } from './commands/token.js';
import { numericFlag, UsageError } from './flags.js';
import { drainGraceMs, drainOnSignals } from './shutdown.js';

const USAGE = `usage: travel-platform <command> [options]

commands:
  serve                         start the API (seeds demo data when the store is empty)
  seed [--airports N] [--days D] [--seed S] [--start-date YYYY-MM-DD] [--report]
                                replace the inventory with deterministic demo data
  keys create --name N [--plan free|standard|partner] [--admin] | keys list | keys revoke ID
                                manage API keys (secrets are shown once, stored hashed)
  token --sub USER [--ttl SECONDS]
                                print a bearer token from the development issuer
  dlq list [--consumer NAME] [--limit N] [--json] | dlq replay [ID ...] [--consumer NAME]
                                show events consumers gave up on, or deliver them again
  backup [--out FILE]           consistent copy of the store while it serves, with a sha256 manifest
  restore FILE [--force]        verify a backup and restore it into the configured store
  import <ssim|fares|availability|hotels> FILE|- [--dry-run] [--estimate-fares]
                                load a schedule (SSIM) or inventory file (.gz or stdin too); see docs/import.md
  export ssim [--out FILE]      write the current schedule as SSIM (stdout without --out)
  cost --searches-per-day N [--hit-ratio 0.9] [--target aws|self-hosted] [--json]
                                monthly cost estimate, line by line, and the cost per request

configuration comes from environment variables; see docs/configuration.md.`;

/** Exit code for a usage or configuration error (as sysexits EX_USAGE / EX_CONFIG). */
const EXIT_USAGE = 64;
const EXIT_CONFIG = 78;
/** Exit code when the store cannot be reached (sysexits EX_UNAVAILABLE). */
const EXIT_UNAVAILABLE = 69;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      let workers = workerCount(config.workers);
      if (workers > 1 && cluster.isPrimary) {
        const decided = workersForIndex(
          { configured: config.workers, count: workers },
          await timetableIndexSize(config),
          config.searchIndexSharedMaxMb,
        );
        if (decided.note) process.stdout.write(`${decided.note}\n`);
        workers = decided.count;
      }
      if (workers > 1 && cluster.isPrimary) {
        // SEARCH_THREADS=auto shares the cores among the workers: the primary knows how many there are.
        const threads =
          config.searchThreads === 'auto'
            ? { SEARCH_THREADS: String(searchThreadCount('auto', workers)) }
            : undefined;
        await runPrimary(workers, (line) => process.stdout.write(`${line}\n`), drainGraceMs(config), threads);
        return;
      }
      const platform = await openWhenStoreAnswers(() => createPlatform(config), {
        config,
        backlog: LISTEN_BACKLOG,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const app = await serve(platform);
      drainOnSignals(app, { graceMs: drainGraceMs(config) });
      return;
    }
    case 'seed': {
      const { values } = parseArgs({
        args: rest,
        options: {
          airports: { type: 'string' },
          days: { type: 'string' },
          seed: { type: 'string' },
          'start-date': { type: 'string' },
          report: { type: 'boolean' },
        },
        strict: true,
      });
      const startDate = values['start-date'] ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(Date.parse(startDate))) {
        throw new UsageError(`--start-date=${JSON.stringify(startDate)} is invalid: expected YYYY-MM-DD`);
      }
      const platform = await createPlatform(config);
      try {
        await seedInventory(
          platform.store,
          platform.airports,
          {
            airports: numericFlag(values.airports, 'airports', {
              fallback: config.seedAirports,
              min: 2,
              max: 3000,
              integer: true,
            }),
            days: numericFlag(values.days, 'days', {
              fallback: config.seedDays,
              min: 1,
              max: 365,
              integer: true,
            }),
            seed: numericFlag(values.seed, 'seed', {
              fallback: config.seedValue,
              min: 0,
              max: 2 ** 31 - 1,
              integer: true,
            }),
            startDate,
            report: values.report === true,
          },
          process.stdout,
        );
      } finally {
        await platform.close();
      }
      return;
    }
    case 'keys':
    case 'token': {
      const platform = await createPlatform(config);
      try {
        const out = (line: string): void => {
          process.stdout.write(`${line}\n`);
        };
        process.exitCode =
          command === 'keys'
            ? await runKeys(rest, { keys: platform.gateway.options.keys, out })
            : await runToken(rest, { issuer: platform.gateway.options.issuer, out });
      } finally {
        await platform.close();
      }
      return;
    }
    case 'backup':
    case 'restore': {
      // No platform: the command opens the store itself, and restore must not create the target.
      const deps = {
        config,
        stdout: (line: string) => process.stdout.write(`${line}\n`),
        stderr: (line: string) => process.stderr.write(`${line}\n`),
      };
      process.exitCode = command === 'backup' ? await runBackup(rest, deps) : await runRestore(rest, deps);
      return;
    }
    case 'cost': {
      process.exitCode = runCost(rest, {
        config,
        stdout: (line) => process.stdout.write(`${line}\n`),
        stderr: (line) => process.stderr.write(`${line}\n`),
      });
      return;
    }
    case 'import': {
      const platform = await createPlatform(config);
      try {
        process.exitCode = await runImport(rest, {
          imports: (kind) => platform.services.imports(kind),
          available: availableImportKinds(),
          stdin: process.stdin,
          stdout: (text) => process.stdout.write(text),
          stderr: (text) => process.stderr.write(text),
          tty: process.stderr.isTTY === true,
        });
        // An in-process bus would publish into this short-lived process and lose the events: leave
        // them in the outbox for the server's relay. Redis Streams reach every server now.
        if (config.eventBus === 'redis') await platform.events.relay.drain();
      } finally {
        await platform.close();
      }
      return;
    }
    case 'export': {
      const platform = await createPlatform(config);
      try {
        process.exitCode = await runExport(rest, {
          schedules: platform.backend.schedules,
          airports: platform.airports,
          stdout: process.stdout,
          stderr: (text) => process.stderr.write(text),
          today: new Date().toISOString().slice(0, 10),
        });
      } finally {
        await platform.close();
      }
      return;
    }
    case 'dlq': {
      const platform = await createPlatform(config);
      try {
        process.exitCode = await runDlq(rest, {
          deadLetters: platform.events.deadLetters,
          stdout: (line) => process.stdout.write(`${line}\n`),
          stderr: (line) => process.stderr.write(`${line}\n`),
          // An in-process bus here would publish into this short-lived process and lose the events:
          // leave them in the outbox for the server's relay. Redis Streams reach every server.
          ...(config.eventBus === 'redis' ? { relay: platform.events.relay } : {}),
        });
      } finally {
        await platform.close();
      }
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  // A `serve` worker that could not start already wrote its one line (store, config, port).
  if (error instanceof FirstWorkerExitedError) process.exit(error.exitCode);
  if (error instanceof StoreUnavailableError) {
    process.stderr.write(`${storeUnavailableLine(error, process.env.STORE ?? 'sqlite')}\n`);
    process.exit(EXIT_UNAVAILABLE);
  }
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
