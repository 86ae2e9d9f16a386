import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_PREFIX, builtSources } from './helpers/built-sources.js';

/** Removes this checkout's JavaScript copies of the sources (see helpers/built-sources.ts). */
function removeCopies(): void {
  for (const name of readdirSync(tmpdir()))
    if (name.startsWith(BUILD_PREFIX)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}

/**
 * Makes the copy child processes run once, before the test files start, instead of in whichever
 * workers spawn a child first; removes every copy when the run ends.
 */
export default function setup(): () => void {
  removeCopies();
  builtSources();
  return removeCopies;
}
