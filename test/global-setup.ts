import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BUILD_PREFIX, builtSources } from './helpers/built-sources.js';

/** Removes this checkout's JavaScript copies of the sources (helpers/built-sources.ts) but `keep`. */
function removeCopies(keep?: string): void {
  for (const name of readdirSync(tmpdir()))
    if (name.startsWith(BUILD_PREFIX) && name !== keep)
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
}

/**
 * Makes the copy child processes run before the test files start, instead of in whichever workers
 * spawn a child first, and drops older ones; removes every copy when the run ends. Each project runs
 * this, one after the other: the second finds the copy made.
 */
export default function setup(): () => void {
  removeCopies(basename(builtSources()));
  return () => removeCopies();
}
