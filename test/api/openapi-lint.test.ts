import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * The whole OpenAPI document, as the running server serves it, passes the field's own linters:
 * Redocly's recommended rules without errors, and Spectral's `spectral:oas` without warnings.
 * Both run from node_modules with their telemetry and update checks off: nothing is downloaded.
 */

const run = promisify(execFile);
const bin = (name: string) => join(process.cwd(), 'node_modules', '.bin', name);
const offline = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

interface RedoclyReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}
interface SpectralResult {
  code: string;
  message: string;
  severity: number;
  path: string[];
}

let tp: TestPlatform;
let dir: string;
let documentFile: string;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 5, days: 1 });
  dir = mkdtempSync(join(tmpdir(), 'tp-openapi-'));
  documentFile = join(dir, 'openapi.json');
  const response = await fetch(`${tp.baseUrl}/openapi.json`);
  writeFileSync(documentFile, await response.text());
});
afterAll(async () => {
  await tp.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a linter, which exits non-zero when it finds problems; its report is on stdout either way. */
async function lint(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args, { env: offline, cwd: dir, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const failed = error as { stdout?: string };
    if (typeof failed.stdout === 'string' && failed.stdout.trim() !== '') return failed.stdout;
    throw error;
  }
}

describe('the OpenAPI document', () => {
  it('passes `redocly lint` with the recommended rules without errors', async () => {
    const report = JSON.parse(
      await lint(bin('redocly'), ['lint', documentFile, '--extends', 'recommended', '--format', 'json']),
    ) as RedoclyReport;
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it('passes Spectral with the spectral:oas ruleset without warnings', async () => {
    const ruleset = join(dir, '.spectral.yaml');
    writeFileSync(ruleset, 'extends: ["spectral:oas"]\n');
    const output = await lint(bin('spectral'), [
      'lint',
      documentFile,
      '--ruleset',
      ruleset,
      '--format',
      'json',
      '--fail-severity',
      'warn',
      '--quiet',
    ]);
    // Spectral prints an empty array, or nothing at all with --quiet, when the document is clean.
    const results = (output.trim() === '' ? [] : JSON.parse(output)) as SpectralResult[];
    const warnings = results.filter((r) => r.severity <= 1);
    expect(warnings.map((r) => `${r.code} ${r.path.join('.')}: ${r.message}`)).toEqual([]);
  });

  it('gives every operation an operationId, a summary and declared tags; the compat routes have their own', async () => {
    const doc = (await (await fetch(`${tp.baseUrl}/openapi.json`)).json()) as {
      tags: { name: string }[];
      paths: Record<string, Record<string, { operationId?: string; summary?: string; tags?: string[] }>>;
    };
    const declared = new Set(doc.tags.map((t) => t.name));
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id !== '')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      for (const tag of op.tags ?? []) expect(declared.has(tag), `${method} ${path} tag ${tag}`).toBe(true);
    }
    const compat = operations.filter(({ op }) => op.tags?.includes('amadeus-compatible')).map((o) => o.path);
    expect(compat).toEqual(
      expect.arrayContaining([
        '/v1/security/oauth2/token',
        '/v2/shopping/flight-offers',
        '/v1/shopping/flight-offers/pricing',
        '/v1/booking/flight-orders',
        '/v1/booking/flight-orders/{id}',
        '/v1/reference-data/locations',
        '/v1/reference-data/locations/{locationId}',
        '/v1/reference-data/locations/hotels/by-city',
        '/v3/shopping/hotel-offers',
        '/v3/shopping/hotel-offers/{offerId}',
        '/v2/booking/hotel-orders',
      ]),
    );
  });
});
