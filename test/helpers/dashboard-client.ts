import { type IncomingHttpHeaders, request } from 'node:http';

/**
 * The dashboard as a browser uses it, each call on a connection of its own (so a cluster's primary
 * hands them to any worker): sign in, ask whether the session holds, sign out, open the live stream.
 */

/** Signs in with `key`; resolves with the `tp_dashboard=…` cookie to send back, or rejects. */
export async function signInToDashboard(base: string, key: string): Promise<string> {
  const answer = await fetch(`${base}/dashboard/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ key }),
  });
  const cookie = /tp_dashboard=([^;]+)/.exec(answer.headers.get('set-cookie') ?? '')?.[1];
  if (answer.status !== 204 || cookie === undefined) throw new Error(`sign-in answered ${answer.status}`);
  return `tp_dashboard=${cookie}`;
}

/** Status of `GET /dashboard/session` with `cookie`: 204 while signed in, 401 otherwise. */
export async function dashboardSessionStatus(base: string, cookie: string): Promise<number> {
  const answer = await fetch(`${base}/dashboard/session`, { headers: { cookie, connection: 'close' } });
  await answer.arrayBuffer();
  return answer.status;
}

/** Signs out the session of `cookie`. */
export async function signOutOfDashboard(base: string, cookie: string): Promise<number> {
  const answer = await fetch(`${base}/dashboard/session`, {
    method: 'DELETE',
    headers: { cookie, connection: 'close' },
  });
  await answer.arrayBuffer();
  return answer.status;
}

/** One live stream (`GET /dashboard/events`) as read so far. */
export interface DashboardStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body of an answer other than 200. */
  body: string;
  /** The `data` of each `snapshot` message received, in order. */
  snapshots: string[];
  /** Settles when the server ends the stream (or it is closed). */
  ended: Promise<void>;
  close(): void;
}

/** Opens the live stream with `cookie`; resolves once the answer's head arrived (200 or not). */
export function openDashboardStream(base: string, cookie: string): Promise<DashboardStream> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL('/dashboard/events', base),
      { agent: false, headers: { cookie } },
      (answer) => {
        let body = '';
        let pending = '';
        const snapshots: string[] = [];
        const ended = new Promise<void>((done) => answer.once('close', done));
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          if (answer.statusCode !== 200) {
            body += chunk;
            return;
          }
          pending += chunk;
          for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
            const message = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const data = /^data: (.*)$/m.exec(message)?.[1];
            if (message.startsWith('event: snapshot\n') && data !== undefined) snapshots.push(data);
          }
        });
        answer.on('error', () => undefined);
        resolve({
          status: answer.statusCode ?? 0,
          headers: answer.headers,
          get body() {
            return body;
          },
          snapshots,
          ended,
          close: () => outgoing.destroy(),
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}
