import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/**
 * Child processes of the tests (`serve`, the other CLI commands, the fixtures) run a JavaScript copy
 * of the TypeScript sources instead of `node --import tsx`: tsx's loader costs each process (and each
 * cluster worker and search thread it starts) about a second of CPU to start, and the suite starts
 * a few hundred of them. The copy is made by esbuild, the transform tsx itself applies, file by file
 * (no bundling: `import.meta.url` keeps pointing where the code expects), into a directory keyed by
 * every source file's path, size and modification time — so an edit is never run stale, also not in
 * watch mode, and all test workers share one copy per state of the sources.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
/** What child processes load: the product and the test fixtures with the helpers they import. */
const SOURCE_DIRS = ['src', 'test/fixtures', 'test/helpers'];
/** Read by the sources relative to themselves (`../../../web/`, `../../../package.json`) or resolved. */
const LINKED = ['node_modules', 'web', 'package.json'];
/** Every copy of this checkout starts with this (the globalSetup teardown removes them). */
export const BUILD_PREFIX = `tp-test-build-${createHash('sha1').update(root).digest('hex').slice(0, 8)}-`;

function typeScriptFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

let built: string | undefined;

/** The directory holding the JavaScript copy of the current sources, laid out as the checkout is. */
export function builtSources(): string {
  if (built && existsSync(join(built, '.complete'))) return built;
  const files = SOURCE_DIRS.flatMap(typeScriptFiles);
  const key = createHash('sha1');
  for (const file of files) {
    const { size, mtimeMs } = statSync(file);
    key.update(`${relative(root, file)}\0${size}\0${mtimeMs}\n`);
  }
  const dir = join(tmpdir(), `${BUILD_PREFIX}${key.digest('hex').slice(0, 16)}`);
  if (!existsSync(join(dir, '.complete'))) {
    // Built aside and renamed into place, so a worker never sees half a copy; when two build at
    // once, the second rename fails and its copy (the same) is dropped.
    const staging = mkdtempSync(`${dir}.staging-`);
    buildSync({
      entryPoints: files,
      outdir: staging,
      outbase: root,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      tsconfig: join(root, 'tsconfig.json'),
      logLevel: 'error',
    });
    for (const name of LINKED) symlinkSync(join(root, name), join(staging, name));
    writeFileSync(join(staging, '.complete'), '');
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  built = dir;
  return dir;
}

/**
 * The node arguments that run `script` (a .ts file of this checkout, absolute or relative to its
 * root) from the JavaScript copy; append the script's own arguments.
 */
export function nodeArgs(script: string): string[] {
  const absolute = isAbsolute(script) ? script : resolve(root, script);
  const inside = relative(root, absolute);
  if (inside.startsWith('..') || !inside.endsWith('.ts'))
    throw new Error(`not a source of this checkout: ${script}`);
  return [join(builtSources(), inside.replace(/\.ts$/, '.js'))];
}
