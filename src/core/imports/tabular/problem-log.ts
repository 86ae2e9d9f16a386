import {
  IMPORT_PROBLEMS_KEPT,
  type ImportKindName,
  type ImportProblem,
  type ImportSummary,
} from '../import-kind.js';

/**
 * The errors and warnings of one import run: every one is counted, the first IMPORT_PROBLEMS_KEPT of
 * each kept (in line order, as records are read in order), so a file with a million bad lines still
 * runs in bounded memory.
 */
export class ProblemLog {
  readonly #errors: ImportProblem[] = [];
  readonly #warnings: ImportProblem[] = [];
  #errorCount = 0;
  #warningCount = 0;

  error(line: number, field: string | undefined, message: string): void {
    this.#errorCount++;
    if (this.#errors.length < IMPORT_PROBLEMS_KEPT) this.#errors.push(problem(line, field, message));
  }

  warning(line: number, field: string | undefined, message: string): void {
    this.#warningCount++;
    if (this.#warnings.length < IMPORT_PROBLEMS_KEPT) this.#warnings.push(problem(line, field, message));
  }

  get errorCount(): number {
    return this.#errorCount;
  }

  /** The run's summary; errors are sorted by line (problems found after reading, e.g. duplicates, come late). */
  summary(kind: ImportKindName, applied: boolean, counts: Record<string, number>): ImportSummary {
    const byLine = (a: ImportProblem, b: ImportProblem) => a.line - b.line;
    return {
      kind,
      applied,
      counts: { ...counts, warnings: this.#warningCount },
      errors: [...this.#errors].sort(byLine),
      errorCount: this.#errorCount,
      warnings: [...this.#warnings].sort(byLine),
      warningCount: this.#warningCount,
    };
  }
}

function problem(line: number, field: string | undefined, message: string): ImportProblem {
  return field === undefined ? { line, message } : { line, field, message };
}
