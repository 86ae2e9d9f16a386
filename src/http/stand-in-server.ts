import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { problem } from './problems.js';

/** Where the stand-in listens: the address the API will listen on once it can start. */
export interface StandInAddress {
  host: string;
  port: number;
  backlog: number;
}

/** Seconds a client is told to wait before retrying while the API has not started. */
const RETRY_AFTER_SECONDS = 2;

/**
 * What answers on the API's address while `serve` waits for a store it cannot reach yet: the process
 * is alive (/health/live 200), not ready (/health/ready 503, store down, the body /health/ready has),
 * and every other request gets 503 problem+json with `retry-after`, as a store outage while serving
 * does. A supervisor therefore keeps the process (liveness) and the balancer sends it nothing
 * (readiness) until the API replaces the stand-in. Built on node:http, not the app: the app needs the
 * store to be built.
 */
export async function listenStandIn(address: StandInAddress): Promise<{ close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    // The body is never read: drain it so a keep-alive connection stays usable.
    request.resume();
    if (path === '/health/live') return send(response, 200, 'application/json', { status: 'ok' });
    if (path === '/health/ready') {
      return send(response, 503, 'application/json', { status: 'down', checks: { store: 'down' } });
    }
    response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    return send(
      response,
      503,
      'application/problem+json',
      problem('service-unavailable', 'the store is unavailable; retry shortly', { instance: path }),
    );
  });
  server.listen({ host: address.host, port: address.port, backlog: address.backlog });
  await once(server, 'listening');
  return {
    close: async () => {
      // Idle kept-alive connections would hold the port past close; a client reconnects to the API.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, status: number, type: string, body: object): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
