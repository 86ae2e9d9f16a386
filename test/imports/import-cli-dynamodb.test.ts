/**
 * `travel-platform import ssim` with STORE=dynamodb, end to end: the real command line in a child
 * process against dynalite (in a process of its own), then the store read back as a search reads
 * it. The schedule switches by generation pointer (docs/adr/0023-schedule-import.md).
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import { nodeArgs } from '../helpers/built-sources.js';
import {
  dynamoConfig,
  type LocalDynamo,
  startDynaliteProcess,
  uniqueTableName,
} from '../helpers/dynalite.js';
import { leg, ssimFile } from '../helpers/ssim-files.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-import-cli-dynamo-'));
const table = uniqueTableName();
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynaliteProcess();
}, 60_000);
afterAll(async () => {
  await dynamo?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...nodeArgs('src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      STORE: 'dynamodb',
      DYNAMODB_TABLE: table,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      DYNAMODB_CREATE_TABLE: 'true',
      DYNAMODB_BOOKING_WRITES: 'conditional',
      LOG_LEVEL: 'silent',
    },
    timeout: 180_000,
    ...(input === undefined ? {} : { input }),
  });
}

const season = (departureHour: number) =>
  ssimFile([
    {
      carrier: 'ZZ',
      timeMode: 'U',
      validFrom: '2027-03-29',
      validTo: '2027-04-04',
      records: [
        leg({
          flightNumber: 100,
          origin: 'LHR',
          destination: 'CDG',
          periodFrom: '2027-03-29',
          periodTo: '2027-04-04',
          days: [1, 2, 3, 4, 5],
          departureMinute: departureHour * 60,
          arrivalMinute: departureHour * 60 + 75,
        }),
      ],
    },
  ]).join('\n');

describe('travel-platform import ssim with STORE=dynamodb', () => {
  it('imports, re-imports without change, then retimes: searches read the new schedule whole', async () => {
    const file = join(dir, 'season.ssim');
    writeFileSync(file, `${season(9)}\n`);
    const first = cli(['import', 'ssim', file, '--estimate-fares']);
    expect(first.stderr).not.toMatch(/not available/);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('ssim import applied');
    expect(first.stdout).toMatch(/ {2}created: 5\n/);

    const again = cli(['import', 'ssim', '-', '--estimate-fares'], season(9));
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/ {2}created: 0\n {2}changed: 0\n {2}unchanged: 5\n/);

    const retimed = cli(['import', 'ssim', '-', '--estimate-fares'], season(14));
    expect(retimed.status).toBe(0);
    expect(retimed.stdout).toMatch(/ {2}changed: 5\n/);

    const store = await openDynamoDbStore(dynamoConfig(dynamo.endpoint, table));
    try {
      const flights = await store.inventory.findFlights({
        origin: 'LHR',
        destination: 'CDG',
        departFrom: Date.UTC(2027, 2, 29),
        departTo: Date.UTC(2027, 3, 5),
      });
      expect(flights.map((f) => new Date(f.departureUtc).getUTCHours())).toEqual([14, 14, 14, 14, 14]);
      expect(new Set(flights.map((f) => f.carrier))).toEqual(new Set(['ZZ']));
    } finally {
      await store.close();
    }
  });
});
