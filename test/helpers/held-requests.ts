import { connect } from 'node:net';
import { parseRawAnswer, type RawAnswer } from './raw-http.js';

/** A request the server has started serving whose body the client still holds back. */
export interface HeldRequest {
  /** Sends the body and resolves with the answer, or with status 0 if the connection died first. */
  finish(): Promise<RawAnswer & { error?: string }>;
}

/**
 * Opens a connection to `url`'s listener and sends the head of `method path` with `expect:
 * 100-continue`; resolves once the server answered "100 Continue", i.e. once a server process has
 * the request in flight (its handler waits for the body). Each request has a connection of its own,
 * so a cluster's round robin spreads them over its workers.
 */
export function holdRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<HeldRequest> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  let error: string | undefined;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', (cause) => {
    error = cause.message;
  });
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        received = '';
        resolve({
          async finish() {
            socket.end(body);
            await closed;
            if (received === '') return { status: 0, headers: {}, body: '', error: error ?? 'no answer' };
            return parseRawAnswer(received);
          },
        });
      }
    });
    void closed.then(() => reject(new Error(`${method} ${path}: closed before 100 Continue: ${received}`)));
    const head = Object.entries({
      host: '127.0.0.1',
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      expect: '100-continue',
      connection: 'close',
    })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n`);
  });
}

/**
 * Resolves once `port` refuses connections (the server stopped listening), or false after
 * `attempts` probes 50 ms apart. Probed, never timed: a loaded machine may deliver a signal late.
 */
export async function untilRefused(port: number, attempts = 400): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const refused = await new Promise<boolean>((resolve) => {
      const probe = connect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve(false);
      });
      probe.once('error', () => resolve(true));
    });
    if (refused) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
