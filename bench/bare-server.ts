import Fastify from 'fastify';

/**
 * The benchmark's ceiling: Fastify answering every GET with a constant small JSON, with no
 * validation, cache or store behind it. No Node HTTP path can be faster than this on the machine.
 */
const port = Number(process.env.PORT ?? '0');
const app = Fastify({ logger: false });
app.get('*', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port });
const stop = async (): Promise<void> => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
