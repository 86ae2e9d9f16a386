import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/core/events/create-event.js';
import { nodeArgs } from '../helpers/built-sources.js';
import { openEventStores } from '../helpers/event-stores.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const run = promisify(execFile);
const temp = tempSqliteFile();
afterAll(() => temp.cleanup());

const cli = (...args: string[]) =>
  run(process.execPath, [...nodeArgs(main), ...args], {
    env: { ...process.env, SQLITE_FILE: temp.file, LOG_LEVEL: 'silent', ADMIN_API_KEY: 'x'.repeat(40) },
  });

describe('travel-platform dlq (wired into the CLI)', () => {
  it('lists parked events and replays them into the outbox for the server relay', async () => {
    const stores = openEventStores(temp.file);
    const event = createEvent('price.updated', { flights: [], hotelNights: [] }, { source: '/test' });
    const letter = await stores.deadLetters.park(event, 'cache-invalidation.x', 'boom', 5);
    stores.db.close();

    expect((await cli('dlq', 'list')).stdout).toContain(letter.id);
    const replay = await cli('dlq', 'replay', letter.id);
    expect(replay.stdout).toContain('1 dead letter(s) queued for redelivery');
    expect((await cli('dlq', 'list')).stdout).toContain('no dead letters');

    const after = openEventStores(temp.file);
    expect(after.outbox.pendingRecords().map((r) => r.event.id)).toEqual([event.id]);
    after.db.close();
  });
});
