import { describe, expect, it } from 'vitest';
import { SqliteApiKeyStore } from '../../src/adapters/store/sqlite/api-key-store.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/database.js';
import { openSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { run as runKeys } from '../../src/cli/commands/keys.js';
import { run as runToken } from '../../src/cli/commands/token.js';
import { createGatewayComponents } from '../../src/composition/gateway.js';
import { loadConfig } from '../../src/config.js';
import {
  apiKeyMatches,
  generateApiKey,
  hashApiKey,
  isPlausibleApiKey,
  parseApiKeyId,
} from '../../src/core/gateway/api-key-format.js';
import { ApiKeyService } from '../../src/core/gateway/api-key-service.js';
import { PLANS, resolvePlan } from '../../src/core/gateway/plans.js';
import { UsageMeter } from '../../src/core/gateway/usage-meter.js';
import { isUtcDay, secondsToNextUtcDay, utcDay } from '../../src/kernel/utc-day.js';
import { StoreUnavailableError } from '../../src/ports/store.js';
import { tempDatabaseFile } from '../helpers/gateway-app.js';

describe('API key format', () => {
  it('generates tp_live_<id>_<secret> keys whose id parses back and whose hash matches', () => {
    const generated = generateApiKey();
    expect(parseApiKeyId(generated.key)).toBe(generated.id);
    expect(apiKeyMatches(generated.key, generated.secretHash)).toBe(true);
    expect(apiKeyMatches(`${generated.key}x`, generated.secretHash)).toBe(false);
    expect(generated.secretHash).toBe(hashApiKey(generated.key));
  });

  it('rejects implausible header values before any lookup', () => {
    expect(isPlausibleApiKey('')).toBe(false);
    expect(isPlausibleApiKey('a'.repeat(257))).toBe(false);
    expect(isPlausibleApiKey('ключ')).toBe(false);
    expect(isPlausibleApiKey('has space')).toBe(false);
    expect(isPlausibleApiKey(generateApiKey().key)).toBe(true);
  });
});

describe('plans and UTC days', () => {
  it('applies per-key overrides on top of the named plan, falling back for unknown names', () => {
    expect(resolvePlan({ plan: 'standard', overrides: { dailyQuota: 7 } })).toEqual({
      ...PLANS.standard,
      dailyQuota: 7,
    });
    expect(resolvePlan({ plan: 'retired-plan', overrides: {} })).toEqual(PLANS.free);
  });

  it('computes days and seconds to the next UTC midnight', () => {
    expect(utcDay(Date.parse('2026-01-31T23:59:59.999Z'))).toBe('2026-01-31');
    expect(secondsToNextUtcDay(Date.parse('2026-01-31T23:59:59.999Z'))).toBe(1);
    expect(secondsToNextUtcDay(Date.parse('2026-01-31T00:00:00.000Z'))).toBe(86_400);
    expect(isUtcDay('2024-02-29')).toBe(true);
    expect(isUtcDay('2026-02-29')).toBe(false);
  });
});

describe('configuration', () => {
  it('parses gateway options and names every bad value', () => {
    const config = loadConfig({
      RATE_LIMITER: 'redis',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.rateLimiter).toBe('redis');
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(() => loadConfig({ RATE_LIMITER: 'etcd', JWT_JWKS_URL: 'nope', CORS_ORIGINS: 'ftp://x' })).toThrow(
      /RATE_LIMITER[\s\S]*JWT_JWKS_URL[\s\S]*CORS_ORIGINS/,
    );
  });
});

describe('usage meter and key store', () => {
  it('buffers counts and adds them up per key and day in SQLite', async () => {
    const temp = tempDatabaseFile();
    const db = openSqliteDatabase(temp.file);
    const store = new SqliteApiKeyStore(db);
    const meter = new UsageMeter({ store, flushIntervalMs: 60_000 });
    meter.record('k', '2026-01-01', { requests: 1, searches: 1 });
    meter.record('k', '2026-01-01', { requests: 1, throttled: 1 });
    meter.record('k', '2026-01-02', { requests: 1, serverErrors: 1 });
    await meter.flush();
    meter.record('k', '2026-01-02', { requests: 1, clientErrors: 1 });
    await meter.close();
    expect(await store.usage('k', '2026-01-01', '2026-01-31')).toEqual([
      { day: '2026-01-01', requests: 2, searches: 1, clientErrors: 0, serverErrors: 0, throttled: 1 },
      { day: '2026-01-02', requests: 2, searches: 0, clientErrors: 1, serverErrors: 1, throttled: 0 },
    ]);
    db.close();
    temp.remove();
  });
});

describe('embedded default and CLI commands', () => {
  it('creates development keys once, and the CLI issues, lists, revokes keys and mints tokens', async () => {
    const temp = tempDatabaseFile();
    const store = await openSqliteStore({ sqliteFile: temp.file });
    const config = loadConfig({});
    const first = await createGatewayComponents(config, store);
    expect(first.developmentKeys?.adminKey).toMatch(/^tp_live_/);
    const admin = await first.options.keys.authenticate(first.developmentKeys?.adminKey);
    expect(admin.role).toBe('admin');
    const second = await createGatewayComponents(config, store);
    expect(second.developmentKeys).toBeUndefined();

    const lines: string[] = [];
    const out = (line: string) => lines.push(line);
    const keys = new ApiKeyService({ store: store.apiKeys });
    expect(
      await runKeys(['create', '--name', 'cli', '--plan', 'standard', '--quota', '50'], { keys, out }),
    ).toBe(0);
    const id = lines.find((line) => line.startsWith('id:'))?.slice(5) ?? '';
    const key = lines.find((line) => line.startsWith('key:'))?.slice(5) ?? '';
    expect((await keys.authenticate(key)).plan).toMatchObject({ name: 'standard', dailyQuota: 50 });
    expect(await runKeys(['list'], { keys, out })).toBe(0);
    expect(lines.some((line) => line.startsWith(id) && line.includes('50/day'))).toBe(true);
    expect(await runKeys(['revoke', id], { keys, out })).toBe(0);
    await expect(keys.authenticate(key)).rejects.toThrow(/revoked/);
    expect(await runKeys(['revoke', 'missing'], { keys, out })).toBe(1);
    expect(await runKeys(['create'], { keys, out })).toBe(2);

    expect(await runToken(['--sub', 'alice'], { issuer: first.options.issuer, out })).toBe(0);
    const token = lines.at(-1) ?? '';
    expect((await first.options.verifier.verify(token)).subject).toBe('alice');
    expect(await runToken([], { issuer: first.options.issuer, out })).toBe(2);

    await first.options.limiter.close();
    await second.options.limiter.close();
    await first.options.meter.close();
    await second.options.meter.close();
    await store.close();
    temp.remove();
  });
});

describe('API keys through a store outage (the SQLite file closed)', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('accepts a key read within the bound as it was last read; refuses unknown keys and keys read too long ago', async () => {
    const temp = tempDatabaseFile();
    const db = openSqliteDatabase(temp.file);
    const keys = new ApiKeyService({ store: new SqliteApiKeyStore(db), cacheTtlMs: 1, staleOnOutageMs: 300 });
    const known = await keys.issue({ name: 'known' });
    const revoked = await keys.issue({ name: 'revoked' });
    const unseen = await keys.issue({ name: 'unseen' });
    await keys.authenticate(known.key);
    await keys.revoke(revoked.record.id);
    await expect(keys.authenticate(revoked.key)).rejects.toMatchObject({ reason: 'revoked' });

    db.close();
    await sleep(5);
    expect((await keys.authenticate(known.key)).keyId).toBe(known.record.id);
    await expect(keys.authenticate(revoked.key)).rejects.toMatchObject({ reason: 'revoked' });
    await expect(keys.authenticate(unseen.key)).rejects.toBeInstanceOf(StoreUnavailableError);
    await sleep(350);
    await expect(keys.authenticate(known.key)).rejects.toBeInstanceOf(StoreUnavailableError);
    temp.remove();
  });

  it('accepts nothing during an outage when the bound is 0', async () => {
    const temp = tempDatabaseFile();
    const db = openSqliteDatabase(temp.file);
    const keys = new ApiKeyService({ store: new SqliteApiKeyStore(db), cacheTtlMs: 1 });
    const known = await keys.issue({ name: 'known' });
    await keys.authenticate(known.key);
    db.close();
    await sleep(5);
    await expect(keys.authenticate(known.key)).rejects.toBeInstanceOf(StoreUnavailableError);
    temp.remove();
  });
});
