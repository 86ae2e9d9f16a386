import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Verifies a webhook as a receiver would, written from the Standard Webhooks specification alone
 * (standardwebhooks.com, "Verifying webhooks"), sharing no code with src/: the secret is the base64
 * after `whsec_`, the signed content is `${id}.${timestamp}.${body}`, the header is a space-separated
 * list of `v1,<base64 HMAC-SHA256>` and any one matching signature is enough; timestamps more than
 * five minutes from `nowSeconds` are refused (replay protection).
 */
export function verifyStandardWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** One request a receiver got. */
export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  body: string;
  /** The body parsed (a CloudEvent). */
  event: { id: string; type: string; subject?: string; data: Record<string, unknown> };
  receivedAt: number;
}

/** How the receiver answers a request: a status, or `hang` (never answers). */
export type ReceiverAnswer = number | 'hang' | ((request: ReceivedWebhook, response: ServerResponse) => void);

/** A real HTTP listener on 127.0.0.1 recording every webhook; answers 204 unless told otherwise. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Requests open right now, and the most ever open at once. */
  open = 0;
  maxOpen = 0;
  answer: ReceiverAnswer = 204;
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();

  private constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const webhook: ReceivedWebhook = {
          headers: request.headers,
          body,
          event: JSON.parse(body) as ReceivedWebhook['event'],
          receivedAt: Date.now(),
        };
        this.received.push(webhook);
        this.open++;
        this.maxOpen = Math.max(this.maxOpen, this.open);
        response.on('close', () => {
          this.open--;
          this.#hanging.delete(response);
        });
        const answer = this.answer;
        if (answer === 'hang') this.#hanging.add(response);
        else if (typeof answer === 'function') answer(webhook, response);
        else response.writeHead(answer).end();
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** http://127.0.0.1:<port><path> */
  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Received webhooks of one type. */
  ofType(type: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.event.type === type);
  }

  async close(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
