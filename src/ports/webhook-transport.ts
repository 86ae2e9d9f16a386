/** One signed POST of a webhook body. */
export interface WebhookRequest {
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  /** The whole exchange (DNS, connect, response head and capped body) must end within this. */
  timeoutMs: number;
}

/** How an attempt ended: a response (any status), or no usable response. */
export type WebhookResponse =
  | { kind: 'response'; status: number; latencyMs: number }
  | {
      kind: 'failed';
      /** Why: timeout, connection error, or a refused destination (names the address). */
      error: string;
      /** True when the transport refused the destination itself (SSRF rules), not the network. */
      refused: boolean;
      latencyMs: number;
    };

/**
 * Sends webhook requests (adapters/webhooks/http-transport.ts). Never follows redirects (a 3xx is an
 * answer like any other) and never rejects: every failure is a `failed` result.
 */
export interface WebhookTransport {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}
