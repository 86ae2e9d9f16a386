import type { SentLines } from './wrk-load.js';

/** The lines of `paths` a run sent, in the order it sent them. */
function* sentPaths(paths: readonly string[], lines: SentLines): Generator<string> {
  for (let i = 1; i <= lines.sent; i++) yield paths[(lines.start + i - 1) % paths.length] as string;
}

/**
 * The best hit ratio any cache could have had on the `window` run without knowing anything before
 * the `earlier` runs of the same server: the share of the window's requests whose path was already
 * asked, earlier in the window or in an earlier run. Every other request is the first of its key
 * and must be computed. It counts every line wrk sent, including the few still unanswered when it
 * stopped. Undefined when the window sent nothing.
 */
export function firstRequestBound(
  paths: readonly string[],
  earlier: readonly SentLines[],
  window: SentLines,
): number | undefined {
  if (window.sent === 0 || paths.length === 0) return undefined;
  const seen = new Set<string>();
  for (const run of earlier) for (const path of sentPaths(paths, run)) seen.add(path);
  let repeats = 0;
  for (const path of sentPaths(paths, window)) {
    if (seen.has(path)) repeats += 1;
    else seen.add(path);
  }
  return repeats / window.sent;
}
