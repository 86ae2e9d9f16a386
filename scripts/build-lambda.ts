/**
 * `npm run build:lambda`: one self-contained ESM bundle per Lambda entry point, built locally with
 * esbuild (no Docker), into dist-lambda/<function>/index.mjs. The CDK stack deploys these folders
 * as they are (`Code.fromAsset`), so what the tests measure is what ships.
 *
 *   npm run build:lambda            build every function
 *   npm run build:lambda -- --stats also print each bundle's size, raw and zipped
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { airportRows } from '../src/adapters/airports/openflights.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Function folder → entry point; the stack names its functions after the folders. */
export const LAMBDA_ENTRIES = {
  api: 'src/lambda/api.ts',
  'cache-invalidation': 'src/lambda/cache-invalidation.ts',
  'outbox-relay': 'src/lambda/outbox-stream.ts',
  'pre-traffic-hook': 'src/lambda/pre-traffic-hook.ts',
  housekeeping: 'src/lambda/housekeeping.ts',
  webhooks: 'src/lambda/webhooks.ts',
} as const;

export type LambdaName = keyof typeof LAMBDA_ENTRIES;

export const LAMBDA_OUT_DIR = join(root, 'dist-lambda');

/**
 * ESM bundles need `require` for the CommonJS packages they contain, and `__dirname` for the few that
 * read files beside themselves (Swagger UI's assets, copied next to the bundle).
 */
const banner = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  "import { dirname as __pathDirname } from 'node:path';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join('\n');

/** Source rewrites that make runtime file lookups resolvable inside one bundle. */
const bundleFriendly: Plugin = {
  name: 'bundle-friendly',
  setup(setup) {
    // The airport rows are a pure function of two registry packages (several MB of data, seconds of
    // parsing): computed here once, they ship as JSON and a cold start only reads them.
    setup.onLoad({ filter: /src[\\/]adapters[\\/]airports[\\/]openflights\.ts$/ }, async (args) => {
      const rows = JSON.stringify(await airportRows());
      // The registries' own loader stays behind a module-local require, so esbuild never bundles them.
      const source = readFileSync(args.path, 'utf8').replace(
        /export async function airportRows\(\): Promise<Airport\[\]> \{/,
        `export async function airportRows(): Promise<Airport[]> {\n  return JSON.parse(${JSON.stringify(rows)});\n}\nasync function registryRows(): Promise<Airport[]> {`,
      );
      return { contents: source, loader: 'ts' };
    });
    // The dashboard reads its page from <repo>/web and uPlot from node_modules; in the bundle both
    // sit in ./web (copied by buildLambda).
    setup.onLoad({ filter: /src[\\/]http[\\/]routes[\\/]dashboard\.ts$/ }, (args) => {
      const original = readFileSync(args.path, 'utf8');
      const contents = original
        .replace("new URL('../../../web/', import.meta.url)", "new URL('./web/', import.meta.url)")
        .replace(/requireModule\.resolve\('uplot\/dist\/([\w.]+)'\)/g, "new URL('$1', WEB)");
      if (!contents.includes("new URL('./web/'") || contents.includes("requireModule.resolve('uplot"))
        throw new Error('build-lambda: the dashboard no longer reads its files as this rewrite expects');
      return { contents, loader: 'ts' };
    });
    // Swagger UI serves its assets from <package>/static; in the bundle they sit in ./static.
    setup.onLoad({ filter: /@fastify[\\/]swagger-ui[\\/]lib[\\/]routes\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(
        "path.join(__dirname, '..', 'static')",
        "path.join(__dirname, 'static')",
      ),
      loader: 'js',
    }));
  },
};

/** The dashboard's page and assets, shipped beside the API bundle. */
const DASHBOARD_FILES = [
  'web/dashboard.html',
  'web/dashboard.js',
  'web/dashboard.css',
  'node_modules/uplot/dist/uPlot.iife.min.js',
  'node_modules/uplot/dist/uPlot.min.css',
];

/** Builds one function's bundle; returns its folder. */
export async function buildLambda(name: LambdaName, options: { readable?: boolean } = {}): Promise<string> {
  const outDir = join(LAMBDA_OUT_DIR, name);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(root, LAMBDA_ENTRIES[name])],
    outfile: join(outDir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Readable (unminified) bundles keep function names for CPU profiles of the cold start.
    minify: !options.readable,
    legalComments: 'none',
    banner: { js: banner },
    plugins: [bundleFriendly],
    logLevel: 'warning',
  });
  if (name === 'api') {
    cpSync(join(root, 'node_modules/@fastify/swagger-ui/static'), join(outDir, 'static'), {
      recursive: true,
    });
    mkdirSync(join(outDir, 'web'));
    for (const file of DASHBOARD_FILES) cpSync(join(root, file), join(outDir, 'web', basename(file)));
  }
  return outDir;
}

/** Size of a function folder, raw and as the zip Lambda receives (zip -9, as CDK's asset zips are close to). */
export function bundleSize(outDir: string): { rawBytes: number; zippedBytes: number } {
  const zipFile = `${outDir}.zip`;
  rmSync(zipFile, { force: true });
  execFileSync('zip', ['-q', '-r', '-9', zipFile, '.'], { cwd: outDir });
  const zippedBytes = statSync(zipFile).size;
  rmSync(zipFile, { force: true });
  const rawBytes = Number(execFileSync('du', ['-sb', outDir], { encoding: 'utf8' }).split('\t')[0]);
  return { rawBytes, zippedBytes };
}

/** Builds every function unless its bundle exists and `reuse` is set (tests build once, then reuse). */
export async function buildAllLambdas(
  options: { reuse?: boolean } = {},
): Promise<Record<LambdaName, string>> {
  const out = {} as Record<LambdaName, string>;
  for (const name of Object.keys(LAMBDA_ENTRIES) as LambdaName[]) {
    const dir = join(LAMBDA_OUT_DIR, name);
    out[name] = options.reuse && existsSync(join(dir, 'index.mjs')) ? dir : await buildLambda(name);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folders = await buildAllLambdas();
  for (const [name, dir] of Object.entries(folders)) {
    const line = process.argv.includes('--stats')
      ? (() => {
          const { rawBytes, zippedBytes } = bundleSize(dir);
          return `${(rawBytes / 1048576).toFixed(2)} MiB raw, ${(zippedBytes / 1048576).toFixed(2)} MiB zipped`;
        })()
      : dir;
    process.stdout.write(`${name}: ${line}\n`);
  }
}
