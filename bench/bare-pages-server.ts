import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * The benchmark's byte ceiling: bare Fastify sending pre-serialised copies of the API's own pages.
 * PAGES_FILE holds `{ "<path>": "<body>" }` captured from the API; each body is turned into bytes
 * once, and every request for its path gets those bytes with a content type, nothing else.
 */
const port = Number(process.env.PORT ?? '0');
const pages = new Map<string, Buffer>(
  Object.entries(
    JSON.parse(readFileSync(process.env.PAGES_FILE as string, 'utf8')) as Record<string, string>,
  ).map(([path, body]) => [path, Buffer.from(body)]),
);
const app = Fastify({ logger: false });
app.get('/health/live', async () => ({ status: 'ok' }));
app.get('*', (request, reply) => {
  const body = pages.get(request.url);
  if (body === undefined) return reply.code(404).send({ missing: request.url });
  return reply.header('content-type', 'application/json; charset=utf-8').send(body);
});
await app.listen({ host: '127.0.0.1', port });
const stop = async (): Promise<void> => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
