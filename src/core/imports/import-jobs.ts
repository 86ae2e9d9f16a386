import type { Clock } from '../../ports/clock.js';
import type { InventoryStore } from '../../ports/store.js';
import { DomainError } from '../errors.js';
import { uuidV7 } from '../events/uuid-v7.js';
import {
  formatImportProblem,
  IMPORT_PROBLEMS_KEPT,
  type ImportKind,
  type ImportKindName,
  type ImportOptions,
} from './import-kind.js';
import { numberedLines } from './line-reader.js';

export type ImportJobState = 'running' | 'succeeded' | 'failed';

/** An import started over HTTP, as `GET /v1/admin/imports/{id}` shows it. */
export interface ImportJob {
  id: string;
  kind: ImportKindName;
  state: ImportJobState;
  dryRun: boolean;
  /** Bytes of the body read so far, and its announced size (content-length) when known. */
  progress: { bytesRead: number; totalBytes?: number; percent?: number };
  /** The import's counts once it finished (records read, flights created, …). */
  counts: Record<string, number>;
  applied: boolean;
  /** The first IMPORT_PROBLEMS_KEPT errors as `line N: field: message`; `errorCount` counts all. */
  errors: string[];
  errorCount: number;
  warnings: string[];
  warningCount: number;
  /** Why a job failed without a line to blame (store down, body too large, broken gzip). */
  detail?: string;
  /** ISO 8601 UTC. */
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** A body that outgrew the configured limit; the import stops and applies nothing. */
export class ImportTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the body is larger than the import limit of ${limitBytes} bytes (IMPORT_MAX_BYTES)`);
    this.name = 'ImportTooLargeError';
  }
}

export interface ImportJobsDependencies {
  /** A fresh import of a kind, or undefined when this build lacks it. */
  imports(kind: ImportKindName): ImportKind | undefined;
  /** Where job states live, so any instance of a cluster answers for any job. */
  settings: Pick<InventoryStore, 'getSetting' | 'setSetting'>;
  clock: Clock;
  maxBytes: number;
  /** Least time between two progress writes, ms. */
  progressEveryMs?: number;
  /** Told when a job could not record its state (the store failed); never throws. */
  onError?: (error: unknown, jobId: string) => void;
}

const SETTING_PREFIX = 'import-job:';

/**
 * Imports started over HTTP (`POST /v1/admin/imports`): the body streams straight into the import
 * kind while the job runs in the background; its state is kept as a store setting, written as it
 * progresses and when it ends, so whichever instance a load balancer picks answers the GET. A job
 * whose instance dies stays `running` with an old `updatedAt`; the import itself then applied
 * nothing (it switches in one transaction at the very end).
 */
export class ImportJobs {
  readonly #deps: ImportJobsDependencies;

  constructor(deps: ImportJobsDependencies) {
    this.#deps = deps;
  }

  /** Largest body an import takes (IMPORT_MAX_BYTES). */
  get maxBytes(): number {
    return this.#deps.maxBytes;
  }

  /**
   * Starts an import of `body` and resolves with its job once the state is stored (the import runs
   * on). Throws `import-kind-unavailable` for a kind this build lacks.
   */
  async start(
    kind: ImportKindName,
    body: AsyncIterable<Uint8Array>,
    options: ImportOptions & { totalBytes?: number },
  ): Promise<ImportJob> {
    const importKind = this.#deps.imports(kind);
    if (!importKind) {
      throw new DomainError(
        'import-kind-unavailable',
        `import kind "${kind}" is not available in this build`,
      );
    }
    const now = this.#now();
    const job: ImportJob = {
      id: uuidV7(this.#deps.clock.now()),
      kind,
      state: 'running',
      dryRun: options.dryRun,
      progress: {
        bytesRead: 0,
        ...(options.totalBytes === undefined ? {} : { totalBytes: options.totalBytes }),
      },
      counts: {},
      applied: false,
      errors: [],
      errorCount: 0,
      warnings: [],
      warningCount: 0,
      startedAt: now,
      updatedAt: now,
    };
    await this.#save(job);
    void this.#run(job, importKind, body, options);
    return job;
  }

  /** The job with `id`; throws `import-not-found` when no instance started it. */
  async get(id: string): Promise<ImportJob> {
    const stored = /^[0-9a-f-]{36}$/.test(id)
      ? await this.#deps.settings.getSetting(`${SETTING_PREFIX}${id}`)
      : undefined;
    if (stored === undefined) throw new DomainError('import-not-found', `no import has the id ${id}`);
    return JSON.parse(stored) as ImportJob;
  }

  async #run(
    job: ImportJob,
    kind: ImportKind,
    body: AsyncIterable<Uint8Array>,
    options: ImportOptions & { totalBytes?: number },
  ): Promise<void> {
    const every = this.#deps.progressEveryMs ?? 1_000;
    let lastWrite = this.#deps.clock.now();
    let writing: Promise<void> = Promise.resolve();
    const onBytes = (bytes: number): void => {
      job.progress = progressOf(bytes, options.totalBytes);
      const now = this.#deps.clock.now();
      if (now - lastWrite < every) return;
      lastWrite = now;
      job.updatedAt = this.#now();
      writing = writing.then(() => this.#save(job));
    };
    try {
      const summary = await kind.run(numberedLines(limited(body, this.#deps.maxBytes), onBytes), {
        dryRun: options.dryRun,
        ...(options.estimateFares === undefined ? {} : { estimateFares: options.estimateFares }),
      });
      Object.assign(job, {
        state: summary.errorCount > 0 ? 'failed' : 'succeeded',
        counts: summary.counts,
        applied: summary.applied,
        errors: summary.errors.slice(0, IMPORT_PROBLEMS_KEPT).map(formatImportProblem),
        errorCount: summary.errorCount,
        warnings: summary.warnings.slice(0, IMPORT_PROBLEMS_KEPT).map(formatImportProblem),
        warningCount: summary.warningCount,
      });
    } catch (error) {
      job.state = 'failed';
      job.detail = error instanceof Error ? error.message : String(error);
    }
    job.updatedAt = this.#now();
    job.finishedAt = job.updatedAt;
    await writing;
    await this.#save(job);
  }

  async #save(job: ImportJob): Promise<void> {
    try {
      await this.#deps.settings.setSetting(`${SETTING_PREFIX}${job.id}`, JSON.stringify(job));
    } catch (error) {
      this.#deps.onError?.(error, job.id);
    }
  }

  #now(): string {
    return new Date(this.#deps.clock.now()).toISOString();
  }
}

function progressOf(bytesRead: number, totalBytes: number | undefined): ImportJob['progress'] {
  if (totalBytes === undefined || totalBytes === 0) return { bytesRead };
  return { bytesRead, totalBytes, percent: Math.min(100, Math.floor((bytesRead / totalBytes) * 100)) };
}

/** `body`, throwing ImportTooLargeError as soon as it outgrows `maxBytes` (so nothing is applied). */
async function* limited(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new ImportTooLargeError(maxBytes);
    yield chunk;
  }
}
