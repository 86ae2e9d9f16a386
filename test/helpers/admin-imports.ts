import type { ImportJob } from '../../src/core/imports/import-jobs.js';
import { TEST_ADMIN_KEY } from './test-platform.js';
import { waitFor } from './wait-for.js';

/** HTTP client of `POST /v1/admin/imports` and `GET /v1/admin/imports/{id}` on one server. */
export class AdminImports {
  constructor(readonly baseUrl: string) {}

  /** Starts an import (`query` as in the URL, e.g. `kind=ssim&estimateFares=true`). */
  post(
    query: string,
    body: string | Uint8Array,
    contentType = 'text/plain',
    key = TEST_ADMIN_KEY,
  ): Promise<Response> {
    return fetch(`${this.baseUrl}/v1/admin/imports?${query}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': contentType },
      body,
    });
  }

  /** The job as a poll answers it, and the status of the answer. */
  async job(id: string): Promise<{ status: number; job: ImportJob }> {
    const response = await fetch(`${this.baseUrl}/v1/admin/imports/${id}`, {
      headers: { 'x-api-key': TEST_ADMIN_KEY },
    });
    return { status: response.status, job: ((await response.json()) as { data: ImportJob }).data };
  }

  /** Polls the job until it is no longer running; answers its last state. */
  async finished(id: string): Promise<ImportJob> {
    let last: ImportJob | undefined;
    await waitFor(`import ${id} to finish`, async () => {
      last = (await this.job(id)).job;
      return last.state !== 'running';
    });
    return last as ImportJob;
  }

  /** Posts an import, expects 202, and answers the finished job. */
  async run(query: string, body: string | Uint8Array, contentType = 'text/plain'): Promise<ImportJob> {
    const response = await this.post(query, body, contentType);
    if (response.status !== 202)
      throw new Error(`import answered ${response.status}: ${await response.text()}`);
    return this.finished(((await response.json()) as { data: ImportJob }).data.id);
  }
}
