import type { IssuerKeyStorage } from '../../../ports/issuer-keys.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';

const SETTING = 'auth.local-issuer.private-jwk';

/** Keeps the development issuer's private JWK in the `settings` table (which clearing the inventory keeps). */
export class SqliteIssuerKeyStorage implements IssuerKeyStorage {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async load(): Promise<string | undefined> {
    return guarded('load the issuer key', () => {
      const row = this.#db
        .prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?')
        .get(SETTING);
      return row?.value;
    });
  }

  async saveIfAbsent(value: string): Promise<string> {
    // INSERT OR IGNORE then read back: two processes starting at once end up with one key.
    guarded('save the issuer key', () =>
      this.#db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)').run(SETTING, value),
    );
    return (await this.load()) ?? value;
  }
}
