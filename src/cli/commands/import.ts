import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  formatImportProblem,
  IMPORT_KIND_NAMES,
  type ImportKind,
  type ImportKindName,
  type ImportSummary,
} from '../../core/imports/import-kind.js';
import { numberedLines } from '../../core/imports/line-reader.js';
import { ImportProgress } from './import-progress.js';

/** Exit codes (sysexits): bad usage, a kind this build lacks, an unreadable input, invalid records. */
export const EXIT_USAGE = 64;
export const EXIT_DATA = 65;
export const EXIT_NO_INPUT = 66;

export interface ImportCommandDeps {
  imports(kind: ImportKindName): ImportKind | undefined;
  /** The kinds this build offers, for the "not available" line. */
  available: readonly ImportKindName[];
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (a redrawn bar) or not (a line per 10%). */
  tty: boolean;
}

/**
 * `travel-platform import <kind> FILE|- [--dry-run] [--estimate-fares]`: streams the file (gzip by
 * magic bytes, `-` for stdin) into the import kind, shows progress on stderr, prints the summary on
 * stdout, and every problem as `line N: field: message` on stderr. Exit 0 when applied (or a clean
 * dry run), 65 when any record was invalid (nothing applied).
 */
export async function runImport(args: readonly string[], deps: ImportCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { 'dry-run': { type: 'boolean' }, 'estimate-fares': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [kindName, file, ...extra] = positionals;
  if (kindName === undefined || file === undefined || extra.length > 0) {
    deps.stderr(
      `usage: travel-platform import <${IMPORT_KIND_NAMES.join('|')}> FILE|- [--dry-run] [--estimate-fares]\n`,
    );
    return EXIT_USAGE;
  }
  if (!(IMPORT_KIND_NAMES as readonly string[]).includes(kindName)) {
    deps.stderr(`unknown import kind "${kindName}": expected one of ${IMPORT_KIND_NAMES.join(', ')}\n`);
    return EXIT_USAGE;
  }
  const kind = deps.imports(kindName as ImportKindName);
  if (!kind) {
    deps.stderr(
      `import kind "${kindName}" is not available in this build (available: ${deps.available.join(', ')})\n`,
    );
    return EXIT_USAGE;
  }
  let totalBytes: number | undefined;
  let input: NodeJS.ReadableStream;
  if (file === '-') input = deps.stdin;
  else {
    try {
      totalBytes = (await stat(file)).size;
    } catch (error) {
      deps.stderr(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`,
      );
      return EXIT_NO_INPUT;
    }
    input = createReadStream(file);
  }
  const progress = new ImportProgress({ totalBytes, tty: deps.tty, write: deps.stderr });
  const summary = await kind.run(
    numberedLines(input as AsyncIterable<Uint8Array>, (bytes) => progress.update(bytes)),
    { dryRun: values['dry-run'] === true, estimateFares: values['estimate-fares'] === true },
  );
  progress.done();
  for (const warning of summary.warnings) deps.stderr(`warning: ${formatImportProblem(warning)}\n`);
  if (summary.warningCount > summary.warnings.length) {
    deps.stderr(`warning: … and ${summary.warningCount - summary.warnings.length} more warnings\n`);
  }
  for (const error of summary.errors) deps.stderr(`${formatImportProblem(error)}\n`);
  if (summary.errorCount > summary.errors.length) {
    deps.stderr(`… and ${summary.errorCount - summary.errors.length} more errors\n`);
  }
  deps.stdout(formatSummary(summary, values['dry-run'] === true));
  return summary.errorCount > 0 ? EXIT_DATA : 0;
}

/** The summary as the CLI prints it: the outcome, then one `name: count` line per count. */
export function formatSummary(summary: ImportSummary, dryRun: boolean): string {
  const outcome =
    summary.errorCount > 0
      ? `${summary.kind} import failed: ${summary.errorCount} error(s), nothing applied`
      : dryRun
        ? `${summary.kind} import checked (dry run): valid, nothing applied`
        : `${summary.kind} import applied`;
  const lines = [outcome];
  for (const [name, value] of Object.entries(summary.counts)) lines.push(`  ${name}: ${value}`);
  lines.push(`  warnings: ${summary.warningCount}`);
  return `${lines.join('\n')}\n`;
}
