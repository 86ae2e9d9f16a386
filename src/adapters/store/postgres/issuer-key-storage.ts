import type pg from 'pg';
import type { IssuerKeyStorage } from '../../../ports/issuer-keys.js';
import { guarded } from './connection.js';

const SETTING = 'auth.local-issuer.private-jwk';

/** Keeps the development issuer's private JWK in the `settings` table (which clearing the inventory keeps). */
export class PostgresIssuerKeyStorage implements IssuerKeyStorage {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async load(): Promise<string | undefined> {
    return guarded('load the issuer key', async () => {
      const { rows } = await this.#pool.query<{ value: string }>(
        'SELECT value FROM settings WHERE name = $1',
        [SETTING],
      );
      return rows[0]?.value;
    });
  }

  async saveIfAbsent(value: string): Promise<string> {
    // Insert unless present, then read back: of two processes starting at once, the first writer wins.
    await guarded('save the issuer key', () =>
      this.#pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
        SETTING,
        value,
      ]),
    );
    return (await this.load()) ?? value;
  }
}
