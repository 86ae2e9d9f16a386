import { request } from 'node:http';

/** An HTTP answer with its body as text. */
export interface TextAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestFrom {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request to `url` from the loopback address `from` (any of 127.0.0.0/8 on Linux), so a test
 * can play clients at different addresses against one real listener.
 */
export function requestFrom(from: string, url: string, init: RequestFrom = {}): Promise<TextAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, localAddress: from, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}
