import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL 15 cluster on its own port, for runs that restart or stop the server (never
 * the machine's own). Its data folder is in the temp dir, owned by the `postgres` user the server
 * runs as (through runuser, so this process must be root); trust auth on 127.0.0.1, database `test`.
 */
export class PrivatePostgres {
  readonly #dir: string;

  constructor(readonly port: number) {
    this.#dir = mkdtempSync(join(tmpdir(), 'tp-private-pg-'));
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/test`;
  }

  get #data(): string {
    return join(this.#dir, 'data');
  }

  /** initdb, start, and create the database `test`. */
  async start(): Promise<void> {
    const { uid, gid } = await postgresUser();
    chownSync(this.#dir, uid, gid);
    await this.#asPostgres(`${BIN}/initdb`, ['-D', this.#data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await this.#ctl('start', [
      '-o',
      `-p ${this.port} -k ${this.#dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);
    await this.#asPostgres(`${BIN}/createdb`, [
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-U',
      'postgres',
      'test',
    ]);
  }

  /** `pg_ctl restart -m fast`: every session is terminated, the server is back when it resolves. */
  async restart(): Promise<void> {
    await this.#ctl('restart', ['-m', 'fast']);
  }

  /** Stops the server (fast) and removes its files. */
  async destroy(): Promise<void> {
    await this.#ctl('stop', ['-m', 'immediate']).catch(() => undefined);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #ctl(action: string, args: string[]): Promise<unknown> {
    return this.#asPostgres(`${BIN}/pg_ctl`, [
      action,
      '-D',
      this.#data,
      '-w',
      '-l',
      join(this.#dir, 'server.log'),
      ...args,
    ]);
  }

  #asPostgres(command: string, args: string[]): Promise<unknown> {
    return run('runuser', ['-u', 'postgres', '--', command, ...args], { timeout: 60_000 });
  }
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
