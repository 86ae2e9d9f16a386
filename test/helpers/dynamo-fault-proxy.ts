import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as DynamoDB receives it: the operation (X-Amz-Target suffix) and its JSON body. */
export interface DynamoRequest {
  operation: string;
  body: Record<string, unknown>;
}

/** A fabricated answer, shaped as DynamoDB's JSON protocol documents it. */
export interface DynamoAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Decides the answer to a request; undefined forwards it to the real server. A promise holds the
 * request until it settles (a test orders a request after others that way).
 */
export type FaultRule = (
  request: DynamoRequest,
) => DynamoAnswer | undefined | Promise<DynamoAnswer | undefined>;

/** A DynamoDB error body: `__type` carries the exception name, as the service sends it. */
export function dynamoError(
  name: string,
  message: string,
  extra: Record<string, unknown> = {},
): DynamoAnswer {
  return { status: 400, body: { __type: `com.amazonaws.dynamodb.v20120810#${name}`, message, ...extra } };
}

export interface DynamoFaultProxy {
  endpoint: string;
  /** Every request seen, in order (forwarded or answered). */
  readonly requests: DynamoRequest[];
  /** Replaces the rule; `() => undefined` forwards everything. */
  setRule(rule: FaultRule): void;
  close(): Promise<void>;
}

/**
 * An HTTP front for a local DynamoDB-compatible server that can answer chosen requests itself —
 * throttling errors, unprocessed batch items, TransactWriteItems outcomes — with the documented
 * response shapes, so the adapter's handling of what dynalite never produces is tested through the
 * real SDK and wire format.
 */
export async function startDynamoFaultProxy(target: string): Promise<DynamoFaultProxy> {
  let rule: FaultRule = () => undefined;
  const requests: DynamoRequest[] = [];
  const server: Server = createServer((incoming, response) => {
    void (async () => {
      const raw = await readBody(incoming);
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const request = { operation, body: JSON.parse(raw || '{}') as Record<string, unknown> };
      requests.push(request);
      const answer = await rule(request);
      if (answer !== undefined) {
        response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(answer.body));
        return;
      }
      const forwarded = await fetch(target, {
        method: 'POST',
        headers: Object.fromEntries(
          Object.entries(incoming.headers).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
          ),
        ),
        body: raw,
      });
      const headers: Record<string, string> = {};
      forwarded.headers.forEach((value, name) => {
        if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection')
          headers[name] = value;
      });
      response.writeHead(forwarded.status, headers);
      response.end(Buffer.from(await forwarded.arrayBuffer()));
    })().catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setRule(next) {
      rule = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
