import { connect } from 'node:net';

/** An HTTP answer as read off a raw connection. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the first HTTP response in `text`. */
export function parseRawAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/**
 * Writes `head` (raw bytes, nothing added) to `url`'s listener, then `bodyBytes` zero bytes as fast as
 * the connection takes them, until the server closes it. Resolves with what the server answered
 * and how many body bytes the connection accepted.
 */
export function rawExchange(
  url: string,
  head: string,
  bodyBytes = 0,
): Promise<{ answer: RawAnswer; bodyBytesWritten: number }> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(64 * 1024);
    const pump = (): void => {
      while (!closed && written < bodyBytes) {
        written += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (data) => {
      received += data.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      resolve({ answer: parseRawAnswer(received), bodyBytesWritten: Math.min(written, bodyBytes) });
    });
  });
}
