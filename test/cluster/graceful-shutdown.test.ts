import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_API_KEY, type ApiProcess, startApiProcess } from '../helpers/api-process.js';
import { untilRefused } from '../helpers/held-requests.js';

describe('SIGTERM on the self-hosted server', () => {
  let server: ApiProcess | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers a request still in flight, refuses new connections, then exits 0', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-drain-'));
    server = await startApiProcess({
      SQLITE_FILE: join(dir, 'store.db'),
      ADMIN_API_KEY,
      SEED_ON_START: 'false',
      LOG_LEVEL: 'warn',
      // Load shedding is tested on its own; on a loaded machine it must not answer for the drain.
      MAX_EVENT_LOOP_DELAY_MS: '0',
    });
    const { port } = new URL(server.url);
    const body = JSON.stringify({ name: 'drained', plan: 'free' });
    // A request whose body is still arriving when the signal comes: it is in flight on the server.
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /v1/admin/api-keys HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${ADMIN_API_KEY}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`,
    );
    socket.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const exited = new Promise<number | null>((resolve) =>
      server!.child.once('exit', (code) => resolve(code)),
    );
    server.child.kill('SIGTERM');
    // The listener closes: new connections are refused while the old request is still being served.
    const refused = await untilRefused(Number(port));
    socket.end(body.slice(10));

    socket.on('error', (error) => {
      answer += `\n[socket ${error.message}]`;
    });
    const code = await exited;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answer, server.output()).toMatch(/^HTTP\/1\.1 201[\s\S]*"key"/);
    expect(refused).toBe(true);
    expect(code).toBe(0);
  });
});
