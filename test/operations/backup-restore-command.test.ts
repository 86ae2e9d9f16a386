import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { run as backup } from '../../src/cli/commands/backup.js';
import { run as restore } from '../../src/cli/commands/restore.js';
import { loadConfig } from '../../src/config.js';

/**
 * What `backup` and `restore` tell an operator when they cannot do their job: one line naming the
 * reason, exit 1 (2 for bad usage), and nothing of the target touched. The drill
 * (test/operations/backup-restore-drill.test.ts) covers backups and restores that succeed.
 */

const dir = mkdtempSync(join(tmpdir(), 'tp-backup-cli-'));
const source = join(dir, 'source.db');
const backupFile = join(dir, 'source.backup');

async function command(
  run: typeof backup,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await run(args, {
    config: loadConfig({ SQLITE_FILE: source, LOG_LEVEL: 'silent', ...env }),
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

beforeAll(async () => {
  const store = await openSqliteStore({ sqliteFile: source });
  await store.apiKeys.create({
    id: 'key-1',
    name: 'operator',
    role: 'client',
    plan: 'free',
    secretHash: 'a'.repeat(64),
    overrides: {},
    createdAt: Date.now(),
    revokedAt: undefined,
  });
  await store.close();
  const made = await command(backup, ['--out', backupFile]);
  expect(made.code, made.stderr).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('travel-platform backup and restore refuse with one line', () => {
  it('--help prints the usage with the exit codes; a bad flag exits 2 with it', async () => {
    const help = await command(backup, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: travel-platform backup [--out FILE]');
    expect(help.stdout).toContain('Exit codes: 0 backed up, 1 failed');
    const bad = await command(restore, [backupFile, '--overwrite']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^Unknown option '--overwrite'.*\nusage: travel-platform restore FILE \[--force\]/,
    );
    expect((await command(restore, [])).stderr).toMatch(/^missing the backup FILE\n/);
  });

  it('backup never overwrites a file, and says DynamoDB has backups of its own', async () => {
    const again = await command(backup, ['--out', backupFile]);
    expect(again).toMatchObject({
      code: 1,
      stderr: `backup: ${backupFile} exists; a backup never overwrites one`,
    });
    const dynamo = await command(backup, [], { STORE: 'dynamodb' });
    expect(dynamo.code).toBe(1);
    expect(dynamo.stderr).toMatch(/^backup: STORE=dynamodb .+point-in-time recovery.+$/);
  });

  it('without pg_dump, a PostgreSQL backup stops naming the tool and PG_BIN_DIR', async () => {
    const missing = await command(backup, ['--out', join(dir, 'pg.dump')], {
      STORE: 'postgres',
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      PG_SCHEMA: 't_backup_cli_missing_tool',
      PG_BIN_DIR: join(dir, 'no-such-dir'),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^backup: (pg_dump not found in .+no-such-dir: install the PostgreSQL client or set PG_BIN_DIR|schema t_backup_cli_missing_tool holds no travel-platform store \(PG_SCHEMA\))$/,
    );
    expect(existsSync(join(dir, 'pg.dump'))).toBe(false);
  });

  it('restore refuses a backup without its manifest, or of another store kind', async () => {
    const orphan = join(dir, 'orphan.db');
    writeFileSync(orphan, readFileSync(backupFile));
    const noManifest = await command(restore, [orphan], { SQLITE_FILE: join(dir, 'fresh-1.db') });
    expect(noManifest.code).toBe(1);
    expect(noManifest.stderr).toMatch(
      /^restore: cannot read the manifest .+orphan\.db\.manifest\.json: ENOENT/,
    );
    const otherKind = await command(restore, [backupFile], {
      STORE: 'postgres',
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
    });
    expect(otherKind.stderr).toBe(
      `restore: ${backupFile} is a sqlite backup and STORE=postgres: set STORE=sqlite`,
    );
  });

  it('restore refuses a backup whose contents differ from its manifest, leaving the target as it was', async () => {
    const tampered = join(dir, 'tampered.backup');
    writeFileSync(tampered, readFileSync(backupFile));
    const manifest = JSON.parse(readFileSync(`${backupFile}.manifest.json`, 'utf8')) as {
      counts: { api_keys: number };
    };
    manifest.counts.api_keys += 1;
    writeFileSync(`${tampered}.manifest.json`, JSON.stringify(manifest));
    const target = join(dir, 'fresh-2.db');
    const refused = await command(restore, [tampered], { SQLITE_FILE: target });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^restore: restored copy differs from the manifest: api_keys holds \d+ rows, the backup \d+$/,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('restore refuses a store a server has open, even with --force', async () => {
    const target = join(dir, 'served.db');
    const restored = await command(restore, [backupFile], { SQLITE_FILE: target });
    expect(restored.code, restored.stderr).toBe(0);
    // A server holds its store open between requests; so does this connection (a lock, not a transaction).
    const server = await openSqliteStore({ sqliteFile: target });
    try {
      const refused = await command(restore, [backupFile, '--force'], { SQLITE_FILE: target });
      expect(refused).toMatchObject({
        code: 1,
        stderr: `restore: ${target} is open by another process: stop the servers on it first`,
      });
    } finally {
      await server.close();
    }
    const db = new Database(target, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
