import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { WebhookRequest, WebhookResponse, WebhookTransport } from '../../ports/webhook-transport.js';
import { refusedDestination } from './destination-rules.js';

export interface HttpWebhookTransportOptions {
  /** Let webhooks reach loopback addresses (tests, local development); never in production. */
  allowLoopback: boolean;
  /** Bytes of a response body read before the connection is dropped; the body itself is never kept. */
  maxResponseBytes?: number;
  /** Name resolution; injectable so tests can make a public name resolve to a forbidden address. */
  lookup?: typeof dnsLookup;
}

/** Raised inside the connection's lookup when the name resolves to a refused address. */
class RefusedDestinationError extends Error {}

/**
 * Webhook POSTs over node:http(s) with the SSRF rules applied where they cannot be dodged: the
 * hostname is resolved once, in the connection's own `lookup`, every address it resolves to is
 * checked, and the socket connects to the address that was checked — so a name that answers a public
 * address to a check and 127.0.0.1 to the connection (DNS rebinding) gets nowhere. IP literals are
 * checked before connecting. Redirects are never followed; the response body is read up to a cap and
 * dropped; one deadline covers DNS, connect, headers and body.
 */
export class HttpWebhookTransport implements WebhookTransport {
  readonly #allowLoopback: boolean;
  readonly #maxResponseBytes: number;
  readonly #lookup: typeof dnsLookup;

  constructor(options: HttpWebhookTransportOptions) {
    this.#allowLoopback = options.allowLoopback;
    this.#maxResponseBytes = options.maxResponseBytes ?? 8 * 1024;
    this.#lookup = options.lookup ?? dnsLookup;
  }

  send(request: WebhookRequest): Promise<WebhookResponse> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const failed = (error: string, refused = false): WebhookResponse => ({
      kind: 'failed',
      error,
      refused,
      latencyMs: latency(),
    });
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve(failed(`invalid URL ${request.url}`, true));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return Promise.resolve(failed(`unsupported scheme ${url.protocol}`, true));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) {
      const refused = refusedDestination(host, this.#allowLoopback);
      if (refused !== undefined) return Promise.resolve(failed(`refused: ${refused}`, true));
    }

    return new Promise<WebhookResponse>((resolve) => {
      let settled = false;
      const finish = (response: WebhookResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        resolve(response);
      };
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: this.#checkedLookup(),
        agent: false,
      });
      const timer = setTimeout(
        () => finish(failed(`no answer within ${request.timeoutMs} ms`)),
        request.timeoutMs,
      );
      req.on('error', (error) =>
        finish(
          error instanceof RefusedDestinationError
            ? failed(`refused: ${error.message}`, true)
            : failed(`request failed: ${error.message}`),
        ),
      );
      req.on('response', (res) => {
        let read = 0;
        const done = () => finish({ kind: 'response', status: res.statusCode ?? 0, latencyMs: latency() });
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Enough to know the receiver answered; a receiver streaming megabytes gets cut off.
          if (read >= this.#maxResponseBytes) done();
        });
        res.on('end', done);
        res.on('error', done);
      });
      req.end(request.body);
    });
  }

  /** A lookup that resolves every address of the name and fails unless all of them may be reached. */
  #checkedLookup(): LookupFunction {
    return (hostname, options, callback) => {
      this.#lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, '', 0);
        const list = addresses as unknown as { address: string; family: number }[];
        for (const { address } of list) {
          const refused = refusedDestination(address, this.#allowLoopback);
          if (refused !== undefined)
            return callback(new RefusedDestinationError(`${hostname} resolves to ${refused}`), '', 0);
        }
        const first = list[0];
        if (first === undefined) return callback(new Error(`${hostname} has no address`), '', 0);
        if ((options as { all?: boolean }).all)
          return (callback as (e: null, a: typeof list) => void)(null, list);
        callback(null, first.address, first.family);
      });
    };
  }
}
