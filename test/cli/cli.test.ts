import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeArgs } from '../helpers/built-sources.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real command line in a child process, as a user would. */
function cli(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...nodeArgs('src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, SQLITE_FILE: join(dir, 'cli.db'), LOG_LEVEL: 'silent', ...env },
    timeout: 120_000,
  });
}

describe('travel-platform command', () => {
  it('seed generates the demo inventory, shows progress and says what it made and how long it took', () => {
    const result = cli([
      'seed',
      '--airports',
      '12',
      '--days',
      '2',
      '--seed',
      '5',
      '--start-date',
      '2026-12-01',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('seeding demo inventory: 12 airports × 2 days from 2026-12-01, seed 5');
    expect(result.stdout).toMatch(/flights: 2\/2/);
    expect(result.stdout).toMatch(
      /seeded in [\d.]+ s: 12 airports, \d+ carriers, \d+ routes, \d+ flights, \d+ hotels/,
    );
  });

  it('seed --report prints the realism report: counts, carriers on top markets, busiest routes, fare percentiles', () => {
    const result = cli(['seed', '--airports', '30', '--days', '2', '--start-date', '2026-12-01', '--report']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /realism report\n {2}30 airports, \d+ carriers, \d+ city pairs flown nonstop/,
    );
    expect(result.stdout).toMatch(/city pairs by carriers flying them: 1 carrier: \d+, 2 carriers: \d+/);
    expect(result.stdout).toMatch(
      /busiest routes \(OAG 2024 lists\): (\d+)\/\1 with both airports in the network have nonstop service \(100%\)/,
    );
    const jfkLhr = result.stdout.split('\n').find((line) => line.trim().startsWith('JFK-LHR'));
    for (const carrier of ['BA', 'AA', 'VS', 'DL']) expect(jfkLhr).toContain(`${carrier} `);
    expect(result.stdout).toMatch(/3,000–6,000 km\s+business\s+\d+\s+\d+\s+\d+/);
  });

  it('keys create prints a secret once; keys list shows the key without it', () => {
    const created = cli(['keys', 'create', '--name', 'cli test', '--plan', 'standard']);
    expect(created.status).toBe(0);
    const secret = /tp_live_[0-9a-f]+_[A-Za-z0-9_-]+/.exec(created.stdout)?.[0];
    expect(secret).toBeDefined();
    const listed = cli(['keys', 'list']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('cli test');
    expect(listed.stdout).not.toContain(secret);
  });

  it('token prints a JWT from the development issuer', () => {
    const result = cli(['token', '--sub', 'alice']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('a bad configuration value stops the start with one line naming the variable, value and what is allowed', () => {
    const result = cli(['serve'], { PORT: 'eighty', CACHE: 'disk' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PORT="eighty" is invalid: expected an integer from 0 to 65535');
    expect(result.stderr).toContain('CACHE="disk" is invalid: expected one of memory, redis, none');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('bad flags and unknown commands exit 64 with the usage', () => {
    const badFlag = cli(['seed', '--airports', 'many']);
    expect(badFlag.status).toBe(64);
    expect(badFlag.stderr).toContain('--airports="many" is invalid');
    const unknown = cli(['fly']);
    expect(unknown.status).toBe(64);
    expect(unknown.stderr).toContain('usage: travel-platform');
  });

  it('a store that cannot be reached at start stops serve with one line and exit code 69', () => {
    const result = cli(['serve'], { SQLITE_FILE: '/dev/null/store.db', PORT: '0' });
    expect(result.status).toBe(69);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^store unavailable \(STORE=sqlite\): cannot open SQLite database \/dev\/null\/store\.db: /,
    );
  });
});
