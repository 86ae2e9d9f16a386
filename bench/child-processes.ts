import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface StartOptions {
  /** Name used in messages and for the log file. */
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** stdout and stderr go here. */
  logFile: string;
  /** Lead a process group of its own (its pid is the group id), as under a service manager. */
  detached?: boolean;
  /** A program other than node (then `commandArgs` are its arguments and `args` is ignored). */
  command?: string;
  commandArgs?: string[];
}

/**
 * Every process the benchmark starts, so that all of them are stopped however the run ends
 * (normal end, an error, Ctrl-C): a server left behind would skew the next run on a 2-core box.
 */
export class ChildProcesses {
  readonly #running = new Set<ChildProcess>();

  /** Starts `node …args` with its output in `logFile`. */
  start(options: StartOptions): ChildProcess {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(
      options.command ?? process.execPath,
      options.command ? (options.commandArgs ?? []) : options.args,
      {
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: options.detached ?? false,
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.#running.add(child);
    child.once('exit', () => this.#running.delete(child));
    return child;
  }

  /** Runs `node …args` to completion and returns its stdout; throws with its output on failure. */
  async run(options: StartOptions): Promise<string> {
    const child = this.start(options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`${options.name} exited with ${code}:\n${stdout}${stderr}`);
    return stdout;
  }

  /** Asks one process to stop (SIGTERM), and kills it if it has not within `graceMs`. */
  async stop(child: ChildProcess, graceMs = 5000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops every process still running. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#running].map((child) => this.stop(child)));
  }

  /** Last resort on process exit, when nothing can be awaited any more. */
  killAllNow(): void {
    for (const child of this.#running) child.kill('SIGKILL');
  }
}

/** Polls `url` until it answers 200, or throws after `timeoutMs` (or if `child` exits first). */
export async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** A TCP port free on loopback right now, for a server about to be started on it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
