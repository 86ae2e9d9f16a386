import {
  IMPORT_PROBLEMS_KEPT,
  type ImportKindName,
  type ImportProblem,
  type ImportSummary,
} from './import-kind.js';

/**
 * Errors and warnings of one import: counts all of them, keeps the first IMPORT_PROBLEMS_KEPT of each
 * (memory stays bounded whatever the file), and hands them back in line order.
 */
export class ImportProblems {
  readonly #errors: ImportProblem[] = [];
  readonly #warnings: ImportProblem[] = [];
  errorCount = 0;
  warningCount = 0;

  error(problem: ImportProblem): void {
    this.errorCount++;
    if (this.#errors.length < IMPORT_PROBLEMS_KEPT) this.#errors.push(problem);
  }

  warning(problem: ImportProblem): void {
    this.warningCount++;
    if (this.#warnings.length < IMPORT_PROBLEMS_KEPT) this.#warnings.push(problem);
  }

  summary(kind: ImportKindName, applied: boolean, counts: Record<string, number>): ImportSummary {
    const byLine = (a: ImportProblem, b: ImportProblem): number => a.line - b.line;
    return {
      kind,
      applied,
      counts: { ...counts },
      errors: [...this.#errors].sort(byLine),
      errorCount: this.errorCount,
      warnings: [...this.#warnings].sort(byLine),
      warningCount: this.warningCount,
    };
  }
}
