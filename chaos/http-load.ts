import { request as httpRequest } from 'node:http';

/**
 * HTTP for the chaos load generators: each request on a connection of its own (`connection:
 * close`, no agent), so a cluster's primary spreads them over its workers, and a failure is exactly
 * one of: refused (never reached a server: the listener was closed), or dropped (a server had the
 * request and the connection ended without an answer). A kept-alive connection would blur the two
 * when a draining server closes it between requests.
 */

export interface Answer {
  /** The status, or undefined when there was no answer. */
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Why there was no answer: `refused`, or the error of a dropped request. */
  failure?: 'refused' | string;
  /** When the request started and ended (performance.now()). */
  startedAt: number;
  endedAt: number;
}

/** Sends one request to `base` and resolves with its answer or failure; never rejects. */
export function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
  timeoutMs = 30_000,
): Promise<Answer> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: Omit<Answer, 'startedAt' | 'endedAt'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...answer, startedAt, endedAt: performance.now() });
    };
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          finish({ status: response.statusCode, headers: response.headers, body: text }),
        );
        response.on('error', (error) => finish({ headers: {}, body: '', failure: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ headers: {}, body: '', failure: error.code === 'ECONNREFUSED' ? 'refused' : error.message }),
    );
    req.end(body);
  });
}

/** Counts of answers by status (and failures by kind), printed as `200×812 503×3 refused×40`. */
export class Tally {
  readonly counts = new Map<string, number>();

  add(answer: Answer): void {
    const key = answer.status === undefined ? (answer.failure ?? 'failed') : String(answer.status);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  count(predicate: (key: string) => boolean): number {
    let total = 0;
    for (const [key, value] of this.counts) if (predicate(key)) total += value;
    return total;
  }

  get total(): number {
    return this.count(() => true);
  }

  toString(): string {
    return (
      [...this.counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => `${key}×${value}`)
        .join(' ') || 'none'
    );
  }
}

/** Whether `key` (of a Tally) is an answer with status 5xx or a failure other than a refusal. */
export const isError = (key: string): boolean => key !== 'refused' && !/^[1-4]\d\d$/.test(key);
