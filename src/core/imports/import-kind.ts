/**
 * The shape every inventory import shares (`travel-platform import <kind>`, `POST /v1/admin/imports`):
 * a kind reads numbered lines, validates every record, and applies the whole file atomically — or
 * nothing when any record is bad or the run is a dry run. Reading bytes (files, `-`, `.gz`, HTTP
 * bodies) and reporting progress belong to the runner, so a kind never knows where its lines came from.
 */

/** The kinds of file an operator can import. */
export type ImportKindName = 'ssim' | 'fares' | 'availability' | 'hotels';
export const IMPORT_KIND_NAMES: readonly ImportKindName[] = ['ssim', 'fares', 'availability', 'hotels'];

/** One line of the input, numbered from 1 as an editor shows it; `text` has no line terminator. */
export interface ImportLine {
  line: number;
  text: string;
}

/** What is wrong (or worth a warning) at one line; rendered `line N: field: message`. */
export interface ImportProblem {
  line: number;
  /** The record field at fault, as the format's documentation names it (e.g. `departure_time`). */
  field?: string;
  message: string;
}

/** Renders a problem the way the CLI prints it and the HTTP answer lists it. */
export function formatImportProblem(problem: ImportProblem): string {
  return `line ${problem.line}: ${problem.field === undefined ? '' : `${problem.field}: `}${problem.message}`;
}

export interface ImportOptions {
  /** Validate and count, write nothing. */
  dryRun: boolean;
  /** SSIM only: price flights no fare file covers with the demo fare model, marked as estimated. */
  estimateFares?: boolean;
}

/** Most problems of each list a summary keeps; `errorCount`/`warningCount` count them all. */
export const IMPORT_PROBLEMS_KEPT = 100;

export interface ImportSummary {
  kind: ImportKindName;
  /** True when the import was written (false on a dry run or when any record was invalid). */
  applied: boolean;
  /** Lines read, records read and what was created, changed, cancelled or skipped; names per kind. */
  counts: Record<string, number>;
  /** The first IMPORT_PROBLEMS_KEPT errors in line order. */
  errors: ImportProblem[];
  errorCount: number;
  /** The first IMPORT_PROBLEMS_KEPT warnings in line order. */
  warnings: ImportProblem[];
  warningCount: number;
}

/**
 * One kind of import. `run` consumes `lines` once, in bounded memory whatever the input's size
 * (staging what it will write in the store, not in the heap), then either applies everything in one
 * atomic switch with its events, or leaves the store as it was. Rejects only when the store fails
 * (StoreUnavailableError; nothing applied); invalid records are reported in the summary.
 */
export interface ImportKind {
  readonly name: ImportKindName;
  run(lines: AsyncIterable<ImportLine>, options: ImportOptions): Promise<ImportSummary>;
}
