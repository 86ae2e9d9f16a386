import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What one load run measured. */
export interface LoadResult {
  /** Responses of any status. */
  requests: number;
  requestsPerSecond: number;
  /** Responses below 400 per second: shed (503) or refused answers are not served searches. */
  okPerSecond: number;
  /** Latency percentiles of every response, ms. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Responses with status 400 or more. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Which lines of the paths file went out, in order (one wrk thread; see wrk.lua). */
  lines?: SentLines;
}

/** Lines `start + 1` to `start + sent` of a paths file (wrapping at its end), as sent in that order. */
export interface SentLines {
  start: number;
  sent: number;
}

const SCRIPT = fileURLToPath(new URL('./wrk.lua', import.meta.url));

/** Per-request timeout: a request slower than this counts as an error, not a latency. */
const TIMEOUT_SECONDS = 10;

export interface WrkOptions {
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  /** File of request paths, one per line, cycled through in order. */
  pathsFile: string;
  apiKey?: string;
  /** wrk threads (client-side event loops); 1 leaves the most CPU to the server on a small box. */
  threads?: number;
  /** Lines of the paths file skipped before the first request (default 0): where a previous run stopped. */
  startLine?: number;
}

/** True when `wrk` runs here. */
export function wrkAvailable(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its version.
    return (error as { status?: number }).status === 1;
  }
}

/** Installs Debian packages when their command is missing (the bench runs as root in CI images). */
export function ensureDebianPackage(command: string, pkg: string): boolean {
  const has = (): boolean => {
    try {
      execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return true;
  process.stdout.write(`${command} is missing: apt-get install -y ${pkg}\n`);
  try {
    execFileSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('apt-get', ['update'], { stdio: 'ignore' });
      execFileSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore' });
    } catch {
      return false;
    }
  }
  return has();
}

/** Writes `count` paths drawn from `next` to `file`, for wrk to cycle through; returns them. */
export function writePaths(file: string, next: () => string, count: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(next());
  writeFileSync(file, `${lines.join('\n')}\n`);
  return lines;
}

interface WrkJson {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  start: number;
  sent: number;
  threads: number;
}

/**
 * One wrk run in its own process (never on the server's event loop). wrk's latency percentiles
 * cover every answer; the servers here answer non-2xx only when shedding load, which the row
 * reports as non-2xx.
 */
export function runWrk(options: WrkOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'wrk',
      [
        `-t${options.threads ?? 1}`,
        `-c${options.connections}`,
        `-d${options.durationSeconds}s`,
        `--timeout=${TIMEOUT_SECONDS}s`,
        '-s',
        SCRIPT,
        options.baseUrl,
      ],
      {
        env: {
          ...process.env,
          WRK_PATHS: options.pathsFile,
          WRK_API_KEY: options.apiKey ?? '',
          WRK_START: String(options.startLine ?? 0),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = /WRK_JSON (\{.*\})/.exec(out)?.[1];
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk exited with ${code}:\n${out}`));
        return;
      }
      const r = JSON.parse(line) as WrkJson;
      const seconds = r.durationUs / 1e6;
      const ok = Math.max(0, r.requests - r.status);
      resolve({
        requests: r.requests,
        requestsPerSecond: r.requests / seconds,
        okPerSecond: ok / seconds,
        p50: r.p50 / 1000,
        p95: r.p95 / 1000,
        p99: r.p99 / 1000,
        max: r.max / 1000,
        non2xx: r.status,
        errors: r.connect + r.read + r.write + r.timeout,
        timeouts: r.timeout,
        // Several threads interleave their lines: which went out is then not known.
        ...(r.threads === 1 ? { lines: { start: r.start, sent: r.sent } } : {}),
      });
    });
  });
}
