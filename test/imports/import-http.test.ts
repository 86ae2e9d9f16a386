import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '../../src/core/imports/import-jobs.js';
import { AdminImports } from '../helpers/admin-imports.js';
import { leg, ssimFile } from '../helpers/ssim-files.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

describe('POST /v1/admin/imports and GET /v1/admin/imports/{id}', () => {
  let tp: TestPlatform;
  let season: string;
  let imports: AdminImports;

  beforeAll(async () => {
    tp = await startTestPlatform({ airports: 2, days: 1, env: { IMPORT_MAX_BYTES: '200000' } });
    imports = new AdminImports(tp.baseUrl);
    season = ssimFile([
      {
        carrier: 'ZZ',
        timeMode: 'U',
        validFrom: tp.date(2),
        validTo: tp.date(15),
        records: [
          leg({
            flightNumber: 1,
            origin: 'LHR',
            destination: 'CDG',
            periodFrom: tp.date(2),
            periodTo: tp.date(15),
          }),
          leg({
            flightNumber: 2,
            origin: 'CDG',
            destination: 'LHR',
            periodFrom: tp.date(2),
            periodTo: tp.date(15),
          }),
        ],
      },
    ]).join('\n');
  });
  afterAll(async () => {
    await tp?.close();
  });

  it('answers 202 with the job, which any poll then shows succeeded with its counts', async () => {
    const response = await imports.post('kind=ssim&estimateFares=true', gzipSync(season), 'application/gzip');
    expect(response.status).toBe(202);
    const started = ((await response.json()) as { data: ImportJob }).data;
    expect(response.headers.get('location')).toBe(`/v1/admin/imports/${started.id}`);
    expect(started).toMatchObject({ kind: 'ssim', state: 'running', dryRun: false });
    const done = await imports.finished(started.id);
    expect(done).toMatchObject({ state: 'succeeded', applied: true, errorCount: 0 });
    expect(done.counts).toMatchObject({ records: 5, datedLegs: 28, created: 28 });
    const search = await tp.fetch(
      `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${tp.date(4)}&carriers=ZZ`,
    );
    expect(((await search.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });

  it('lists every error with its line and applies nothing', async () => {
    const lines = season.split('\n');
    lines[3] = (lines[3] as string).replace(/^(.{36})CDG/, '$1Q1Q');
    const response = await imports.post(
      'kind=ssim&dryRun=false',
      lines.join('\n'),
      'application/octet-stream',
    );
    expect(response.status).toBe(202);
    const done = await imports.finished(((await response.json()) as { data: ImportJob }).data.id);
    expect(done).toMatchObject({ state: 'failed', applied: false, errorCount: 1 });
    expect(done.errors[0]).toMatch(/^line 4: departure_station: /);
  });

  it('refuses bodies over IMPORT_MAX_BYTES with 413, non-admin keys with 403, unknown ids with 404, unknown kinds with 400, and runs a bad hotels file as a failed job', async () => {
    const big = await imports.post('kind=ssim', 'x'.repeat(300_000));
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toContain('application/problem+json');
    expect((await imports.post('kind=ssim', season, 'text/plain', tp.apiKey)).status).toBe(403);
    const unknown = await imports.job('0190a000-0000-7000-8000-000000000000');
    expect(unknown.status).toBe(404);
    // Every kind is offered since the hotels, fares and availability kinds joined the registry: a
    // hotels file with a wrong header is a job that fails on line 1 and applies nothing.
    const hotels = await imports.post('kind=hotels', 'id,name\n');
    expect(hotels.status).toBe(202);
    const hotelsJob = await imports.finished(((await hotels.json()) as { data: ImportJob }).data.id);
    expect(hotelsJob).toMatchObject({ kind: 'hotels', state: 'failed', applied: false });
    expect(hotelsJob.errors[0]).toMatch(/^line 1: id: unknown column/);
    const badKind = await imports.post('kind=cargo', season);
    expect(badKind.status).toBe(400);
  });
});
