import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * The benchmark's byte ceiling: bare Fastify sending pre-serialised copies of the API's own pages.
 * PAGES_FILE holds `{ "<path>": { "body": "…", "headers": { … } } }` captured from the API; each
 * body is turned into bytes once, and every request for its path gets those bytes with a content
 * type — and, with PAGES_WITH_HEADERS=true, the headers the API sent with them (security headers,
 * cache headers, rate-limit headers, as captured: constant here), so the bytes on the wire match.
 */
const port = Number(process.env.PORT ?? '0');
const withHeaders = process.env.PAGES_WITH_HEADERS === 'true';
/** Set by the server itself on every answer. */
const TRANSPORT = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

interface CapturedPage {
  body: string;
  headers: Record<string, string>;
}

const pages = new Map(
  Object.entries(
    JSON.parse(readFileSync(process.env.PAGES_FILE as string, 'utf8')) as Record<string, CapturedPage>,
  ).map(([path, page]) => [
    path,
    {
      body: Buffer.from(page.body),
      headers: withHeaders
        ? Object.fromEntries(Object.entries(page.headers).filter(([name]) => !TRANSPORT.has(name)))
        : { 'content-type': 'application/json; charset=utf-8' },
    },
  ]),
);
const app = Fastify({ logger: false });
app.get('/health/live', async () => ({ status: 'ok' }));
app.get('*', (request, reply) => {
  const page = pages.get(request.url);
  if (page === undefined) return reply.code(404).send({ missing: request.url });
  return reply.headers(page.headers).send(page.body);
});
await app.listen({ host: '127.0.0.1', port });
const stop = async (): Promise<void> => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
