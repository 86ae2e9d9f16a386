import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/in-process.js';
import { createRedisStreamsEventBus } from '../../src/adapters/events/redis-streams.js';
import { OutboxRelay } from '../../src/core/events/outbox-relay.js';
import type { CloudEvent, EventBus } from '../../src/ports/events.js';
import { nodeArgs } from '../helpers/built-sources.js';
import { type EventStores, openEventStores } from '../helpers/event-stores.js';
import { deleteKeys, redisUrl, uniqueStreamKey } from '../helpers/redis.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';
import { waitFor } from '../helpers/wait-for.js';

const writer = fileURLToPath(new URL('../fixtures/outbox-crash-writer.ts', import.meta.url));

/** Runs the writer until it reports an open transaction, then kills it with SIGKILL. */
async function runWriterAndKill(file: string): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs(writer), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  try {
    await waitFor(
      'the writer to commit and open a transaction',
      () => {
        if (child.exitCode !== null) throw new Error(`writer exited early: ${stderr}`);
        return stdout.includes('committed\n') && stdout.includes('in-transaction\n');
      },
      60_000,
    );
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
}

const buses: Record<string, () => Promise<{ bus: EventBus; cleanup: () => Promise<void> }>> = {
  'in-process': async () => ({ bus: new InProcessEventBus(), cleanup: async () => {} }),
  'redis-streams': async () => {
    const streamKey = uniqueStreamKey('crash');
    const bus = await createRedisStreamsEventBus({ url: redisUrl, streamKey });
    return { bus, cleanup: () => deleteKeys(streamKey) };
  },
};

describe.each(Object.keys(buses))('an outbox event survives kill -9 of its writer (%s bus)', (name) => {
  let stores: EventStores | undefined;
  let cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
    stores = undefined;
  });

  it('is delivered by a new relay on the same file after restart; rolled-back and uncommitted ones never are', async () => {
    const temp = tempSqliteFile();
    cleanups.push(temp.cleanup);
    await runWriterAndKill(temp.file);

    // "Restart": a fresh process state on the same file.
    stores = openEventStores(temp.file);
    cleanups.push(() => {
      stores?.db.close();
    });
    const pending = stores.outbox
      .pendingRecords()
      .map((r) => (r.event.data as { bookingId: string }).bookingId);
    expect(pending).toEqual(['B-committed']);
    const bookings = stores.db.prepare("SELECT name FROM settings WHERE name LIKE 'booking:%'").all();
    expect(bookings).toEqual([{ name: 'booking:B-committed' }]);

    const { bus, cleanup } = await buses[name]!();
    cleanups.push(cleanup, () => bus.close());
    const received: CloudEvent[] = [];
    await bus.subscribe('after-restart', async (event) => void received.push(event));
    const relay = new OutboxRelay({ outbox: stores.outbox, bus, pollMs: 50 });
    cleanups.push(() => relay.stop());
    relay.start();

    await waitFor('the committed event', () => received.length >= 1);
    await relay.drain();
    expect(received.map((e) => (e.data as { bookingId: string }).bookingId)).toEqual(['B-committed']);
    expect(stores.outbox.pendingRecords()).toEqual([]);
  });
});
