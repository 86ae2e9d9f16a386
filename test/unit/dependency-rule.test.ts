import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of `file` (static and dynamic), as paths under src/ ("ports/store.ts"). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1] as string);
  return specifiers.map((specifier) =>
    relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'),
  );
}

/** Every (file, import) pair under `folder` that `allowed` refuses, as "file → import". */
function violations(folder: string, allowed: (file: string, target: string) => boolean): string[] {
  return sourceFiles(join(SRC, folder)).flatMap((path) => {
    const file = relative(SRC, path);
    return localImports(path)
      .filter((target) => !allowed(file, target))
      .map((target) => `${file} → ${target}`);
  });
}

const under = (path: string, folder: string): boolean => path.startsWith(`${folder}/`);

/** The backend folder of a store adapter ("adapters/store/sqlite"), or undefined for shared files. */
const storeBackendOf = (path: string): string | undefined => /^adapters\/store\/([^/]+)\//.exec(path)?.[1];

describe('the dependency rule (docs/ARCHITECTURE.md)', () => {
  it('the core imports only ports, the kernel and itself', () => {
    expect(
      violations('core', (_, target) => ['core', 'ports', 'kernel'].some((folder) => under(target, folder))),
    ).toEqual([]);
  });

  it('the kernel imports nothing but itself (no ports, no core, no adapters, no packages)', () => {
    expect(violations('kernel', (_, target) => under(target, 'kernel'))).toEqual([]);
    const packages = sourceFiles(join(SRC, 'kernel')).flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^.'][^']*)'/g)].map(
        (m) => `${relative(SRC, path)} → ${m[1]}`,
      ),
    );
    expect(packages).toEqual([]);
  });

  it('the core and the adapters reach the shared helpers through the kernel', () => {
    // The kernel exists so neither side keeps its own copy: both import it.
    const importsKernel = (folder: string): boolean =>
      sourceFiles(join(SRC, folder)).some((path) =>
        localImports(path).some((target) => under(target, 'kernel')),
      );
    expect(importsKernel('core')).toBe(true);
    expect(importsKernel('adapters')).toBe(true);
  });

  it('ports import only ports', () => {
    expect(violations('ports', (_, target) => under(target, 'ports'))).toEqual([]);
  });

  it('adapters never import the core, the HTTP layer, the CLI or the composition root (the kernel they may)', () => {
    const above = ['core', 'http', 'cli', 'search-threads', 'lambda', 'composition'];
    expect(
      violations(
        'adapters',
        (_, target) =>
          (!above.some((folder) => under(target, folder)) && !/^[^/]+\.ts$/.test(target)) ||
          target === 'config.ts',
      ),
    ).toEqual([]);
  });

  it('only entry points (CLI, Lambda) and the composition root import the composition root', () => {
    for (const folder of ['core', 'ports', 'adapters', 'http', 'search-threads']) {
      expect(violations(folder, (_, target) => !under(target, 'composition'))).toEqual([]);
    }
  });

  it("no store backend imports another backend's files; the factory loads each one lazily", () => {
    const crossing = violations('adapters/store', (file, target) => {
      const from = storeBackendOf(file);
      const to = storeBackendOf(target);
      return from === undefined || to === undefined || from === to;
    });
    expect(crossing).toEqual([]);
    const factory = readFileSync(join(SRC, 'adapters/store/create-store.ts'), 'utf8');
    expect(factory).not.toMatch(/^import (?!type)[^;]*'\.\/(sqlite|postgres|dynamodb)\//m);
  });
});
