import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeArgs } from '../helpers/built-sources.js';
import { leg, ssimFile } from '../helpers/ssim-files.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real command line in a child process, as an operator would. */
function cli(args: string[], options: { db: string; input?: string | Buffer }): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...nodeArgs('src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, SQLITE_FILE: join(dir, options.db), LOG_LEVEL: 'silent', SEARCH_THREADS: '0' },
    timeout: 120_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/** Dated legs of carrier ZZ in the file: rows, and legs of imported periods (docs/adr/0025). */
const flightCount = (db: string): number => {
  const handle = new Database(join(dir, db), { readonly: true });
  try {
    return (
      handle
        .prepare(
          `SELECT (SELECT COUNT(*) FROM flights WHERE carrier = 'ZZ' AND period_leg = 0)
             + (SELECT COALESCE(SUM(legs), 0) FROM schedule_periods WHERE carrier = 'ZZ') AS n`,
        )
        .get() as { n: number }
    ).n;
  } finally {
    handle.close();
  }
};

const season = ssimFile([
  {
    carrier: 'ZZ',
    timeMode: 'L',
    validFrom: '2027-03-28',
    validTo: '2027-04-10',
    records: [
      leg({
        flightNumber: 100,
        origin: 'LHR',
        destination: 'CDG',
        periodFrom: '2027-03-28',
        periodTo: '2027-04-10',
        days: [1, 2, 3, 4, 5],
      }),
      leg({
        flightNumber: 7001,
        serviceType: 'F',
        origin: 'LHR',
        destination: 'CDG',
        periodFrom: '2027-03-28',
        periodTo: '2027-04-10',
      }),
    ],
  },
]).join('\n');

describe('travel-platform import ssim', () => {
  it('imports a file, printing the summary with what was created and skipped, and exits 0', () => {
    const file = join(dir, 'season.ssim');
    writeFileSync(file, `${season}\n`);
    const result = cli(['import', 'ssim', file, '--estimate-fares'], { db: 'a.db' });
    expect(result.stderr).toMatch(/read 100% /);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ssim import applied');
    expect(result.stdout).toMatch(/ {2}records: 5\n/);
    expect(result.stdout).toMatch(/ {2}created: 10\n/);
    expect(result.stdout).toMatch(/ {2}skippedNonPassengerLegs: 14\n/);
    expect(flightCount('a.db')).toBe(10);
  });

  it('reads gzip (by magic bytes, whatever the name) and stdin; a re-import changes nothing', () => {
    const gz = join(dir, 'season.dat');
    writeFileSync(gz, gzipSync(season));
    expect(cli(['import', 'ssim', gz, '--estimate-fares'], { db: 'b.db' }).status).toBe(0);
    const again = cli(['import', 'ssim', '-', '--estimate-fares'], { db: 'b.db', input: season });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/ {2}created: 0\n {2}changed: 0\n {2}unchanged: 10\n/);
    expect(flightCount('b.db')).toBe(10);
  });

  it('--dry-run validates and writes nothing', () => {
    const result = cli(['import', 'ssim', '-', '--dry-run'], { db: 'c.db', input: season });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ssim import checked (dry run): valid, nothing applied');
    expect(flightCount('c.db')).toBe(0);
  });

  it('exits non-zero with every problem as "line N: field: message" and applies nothing', () => {
    const lines = season.split('\n');
    lines[2] = (lines[2] as string).replace(/^(.{54})CDG/, '$1XQZ');
    lines[3] = (lines[3] as string).replace(/^(.{14}).{7}/, '$131FEB27');
    const result = cli(['import', 'ssim', '-', '--estimate-fares'], { db: 'd.db', input: lines.join('\n') });
    expect(result.status).toBe(65);
    expect(result.stderr).toContain('line 3: arrival_station: unknown station XQZ');
    expect(result.stderr).toContain('line 4: period_from: "31FEB27" is not a date (DDMMMYY)');
    expect(result.stdout).toContain('ssim import failed: 2 error(s), nothing applied');
    expect(flightCount('d.db')).toBe(0);
  });

  it('names an unknown kind in one line, and an unreadable file', () => {
    const unknown = cli(['import', 'cargo', 'x.csv'], { db: 'e.db' });
    expect(unknown.status).toBe(64);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('cargo');
    const missing = cli(['import', 'ssim', join(dir, 'nope.ssim')], { db: 'e.db' });
    expect(missing.status).toBe(66);
    expect(missing.stderr).toContain('ENOENT');
  });
});
