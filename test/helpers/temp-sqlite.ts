import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh SQLite file path in its own temp directory, and the function that deletes the directory. */
export function tempSqliteFile(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'travel-platform-events-'));
  return { file: join(dir, 'test.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
