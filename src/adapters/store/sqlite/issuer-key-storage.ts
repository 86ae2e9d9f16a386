import type { IssuerKeyStorage } from '../../../ports/issuer-keys.js';
import type { SqliteDatabase } from './database.js';

const SETTING = 'auth.local-issuer.private-jwk';

/** Keeps the development issuer's private JWK in the `settings` table. */
export class SqliteIssuerKeyStorage implements IssuerKeyStorage {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async load(): Promise<string | undefined> {
    const row = this.#db
      .prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?')
      .get(SETTING);
    return row?.value;
  }

  async saveIfAbsent(value: string): Promise<string> {
    // INSERT OR IGNORE then read back: two processes starting at once end up with one key.
    this.#db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)').run(SETTING, value);
    return (await this.load()) ?? value;
  }
}
