import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BackupError, COUNTED_TABLES, firstLine } from '../../adapters/store/backup.js';

/**
 * The manifest written beside every backup (`<backup>.manifest.json`): what the backup holds and
 * the checksum a restore verifies before it touches anything. It is written last, so a backup
 * without one is incomplete.
 */
export const BackupManifestSchema = Type.Object({
  format: Type.Literal('travel-platform-backup'),
  formatVersion: Type.Literal(1),
  store: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
  /** The backup file's name when it was made; it sits beside the manifest. */
  file: Type.String({ minLength: 1 }),
  bytes: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  createdAt: Type.String(),
  durationMs: Type.Integer({ minimum: 0 }),
  appVersion: Type.String(),
  /** What was backed up: the SQLite file and its size with WAL, or the PostgreSQL server and schema. */
  source: Type.Union([
    Type.Object({ sqliteFile: Type.String(), bytes: Type.Integer({ minimum: 0 }) }),
    Type.Object({ server: Type.String(), schema: Type.String() }),
  ]),
  migrations: Type.Object({ applied: Type.Integer({ minimum: 0 }), latest: Type.String() }),
  counts: Type.Object(
    Object.fromEntries(COUNTED_TABLES.map((table) => [table, Type.Integer({ minimum: 0 })])) as Record<
      (typeof COUNTED_TABLES)[number],
      ReturnType<typeof Type.Integer>
    >,
  ),
});

export type BackupManifest = Static<typeof BackupManifestSchema>;

/** Where the manifest of the backup file `file` is. */
export const manifestPathOf = (file: string): string => `${file}.manifest.json`;

/** The backup file a path names: the file itself or its manifest. */
export const backupFileOf = (path: string): string => path.replace(/\.manifest\.json$/, '');

/** Hex SHA-256 of a file's bytes, streamed (backups can be gigabytes). */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes the manifest beside its backup through a temporary file and a rename, so it is whole or absent. */
export function writeManifest(file: string, manifest: BackupManifest): void {
  const path = manifestPathOf(file);
  const temporary = `${path}.partial`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temporary, path);
}

/**
 * Reads the manifest of `file` and checks the file against it (size, then SHA-256). Throws
 * BackupError, in one line, when the manifest is missing or malformed or the file does not match.
 */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  const path = manifestPathOf(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new BackupError(`cannot read the manifest ${path}: ${firstLine(cause)}`, { cause });
  }
  if (!Value.Check(BackupManifestSchema, json)) {
    const first = Value.Errors(BackupManifestSchema, json).First();
    const where = first === undefined ? '' : `: ${first.path || '/'} ${first.message}`;
    throw new BackupError(`${path} is not a travel-platform backup manifest${where}`);
  }
  const manifest = json;
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch (cause) {
    throw new BackupError(`cannot read the backup ${file}: ${firstLine(cause)}`, { cause });
  }
  if (bytes !== manifest.bytes) {
    throw new BackupError(
      `${file} is ${bytes} bytes, its manifest says ${manifest.bytes}: truncated or replaced`,
    );
  }
  const sha256 = await sha256OfFile(file);
  if (sha256 !== manifest.sha256) {
    throw new BackupError(
      `${file} fails its checksum (sha256 ${sha256}, manifest ${manifest.sha256}): corrupt`,
    );
  }
  return manifest;
}

/** This package's version, recorded in every manifest. */
export function appVersion(): string {
  // src/cli/commands and dist/cli/commands are both three levels below the package root.
  const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return packageJson.version;
}
