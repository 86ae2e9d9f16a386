/**
 * Dashboard viewers in their own process: signs in with the admin key once, opens `streams` live
 * streams (`GET /dashboard/events`), each on its own connection, with that one session cookie, and
 * holds them open until SIGTERM. Opening stops after OPEN_SECONDS, opened or not, so a server too
 * busy to answer still gives a bounded run. Prints one JSON line once every stream was tried, and one when
 * stopped, with how many snapshots each stream received per second.
 *
 * A stream answered 401 is retried with another sign-in's cookie (up to a few), so the load still
 * reaches a server whose sessions live in one worker's memory; how many 401s that took is reported.
 *
 *   node --import tsx chaos/processes/dashboard-streams.ts URL ADMIN_KEY STREAMS OPEN_SECONDS
 */
import { type ClientRequest, request } from 'node:http';
import { signInToDashboard } from '../../test/helpers/dashboard-client.js';

/** Printed once every stream was tried. */
export interface StreamsOpened {
  phase: 'opened';
  opened: number;
  /** Answers other than 200 to a stream request (a 401 retried with another cookie counts too), by status. */
  refused: Record<string, number>;
  errors: number;
  signIns: number;
  seconds: number;
}

/** Printed when stopped. */
export interface StreamsClosed {
  phase: 'closed';
  /** Streams still open when stopped. */
  open: number;
  /** Streams the server ended before the stop. */
  endedByServer: number;
  /** Snapshots a stream received per second of its life: the 10th percentile and the median. */
  snapshotsPerSecondP10: number;
  snapshotsPerSecondMedian: number;
  /** `event: failure` messages received, all streams together. */
  failures: number;
}

const MAX_SIGN_INS = 8;
const OPENING_AT_ONCE = 50;
const OPEN_TIMEOUT_MS = 15_000;

interface Stream {
  outgoing: ClientRequest;
  openedAt: number;
  closedAt: number | undefined;
  snapshots: number;
}

/** Opens one stream; resolves with its status, and with the stream itself when 200. */
function openStream(
  base: string,
  cookie: string,
  counts: { failures: number },
): Promise<{ status: number; stream?: Stream }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL('/dashboard/events', base),
      { agent: false, headers: { cookie }, timeout: OPEN_TIMEOUT_MS },
      (answer) => {
        const status = answer.statusCode ?? 0;
        if (status !== 200) {
          answer.resume();
          answer.on('end', () => resolve({ status }));
          return;
        }
        outgoing.setTimeout(0);
        const stream: Stream = { outgoing, openedAt: performance.now(), closedAt: undefined, snapshots: 0 };
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          // A message starts each write, so its first line is at the start of a chunk.
          stream.snapshots += chunk.split('event: snapshot\n').length - 1;
          counts.failures += chunk.split('event: failure\n').length - 1;
        });
        answer.on('close', () => {
          stream.closedAt ??= performance.now();
        });
        answer.on('error', () => undefined);
        resolve({ status, stream });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function main(): Promise<void> {
  const [base, key, count, openSeconds] = process.argv.slice(2);
  if (!base || !key || !count || !openSeconds)
    throw new Error('usage: dashboard-streams.ts URL ADMIN_KEY STREAMS OPEN_SECONDS');
  const started = performance.now();
  const openUntil = started + Number(openSeconds) * 1000;
  const cookies = [Promise.resolve(await signInToDashboard(base, key))];
  let signIns = 1;
  const streams: Stream[] = [];
  const refused: Record<string, number> = {};
  const counts = { failures: 0 };
  let errors = 0;
  let toOpen = Number(count);
  let stopping = false;

  const openOne = async (): Promise<void> => {
    for (let i = 0; ; i++) {
      if (i === cookies.length) {
        // Counted before the sign-in is awaited, so openers at once cannot pass the limit together.
        if (signIns >= MAX_SIGN_INS) return;
        signIns += 1;
        cookies.push(signInToDashboard(base, key));
      }
      const { status, stream } = await openStream(base, await (cookies[i] as Promise<string>), counts);
      if (stream) {
        streams.push(stream);
        return;
      }
      refused[status] = (refused[status] ?? 0) + 1;
      if (status !== 401) return;
    }
  };
  const opener = async (): Promise<void> => {
    while (toOpen > 0 && !stopping && performance.now() < openUntil) {
      toOpen -= 1;
      await openOne().catch(() => {
        errors += 1;
      });
    }
  };
  await Promise.all(Array.from({ length: OPENING_AT_ONCE }, opener));
  const opened: StreamsOpened = {
    phase: 'opened',
    opened: streams.length,
    refused,
    errors,
    signIns,
    seconds: (performance.now() - started) / 1000,
  };
  process.stdout.write(`${JSON.stringify(opened)}\n`);

  process.once('SIGTERM', () => {
    stopping = true;
    const now = performance.now();
    const open = streams.filter((stream) => stream.closedAt === undefined).length;
    const rates = streams
      .map((stream) => stream.snapshots / (((stream.closedAt ?? now) - stream.openedAt) / 1000 || 1))
      .sort((a, b) => a - b);
    const at = (q: number) => rates[Math.min(rates.length - 1, Math.floor(q * rates.length))] ?? 0;
    const closed: StreamsClosed = {
      phase: 'closed',
      open,
      endedByServer: streams.length - open,
      snapshotsPerSecondP10: at(0.1),
      snapshotsPerSecondMedian: at(0.5),
      failures: counts.failures,
    };
    for (const stream of streams) stream.outgoing.destroy();
    process.stdout.write(`${JSON.stringify(closed)}\n`, () => process.exit(0));
  });
  // Held open until SIGTERM; a timer keeps the process alive even when every stream has ended.
  setInterval(() => undefined, 60_000);
}

await main();
