import type { FastifyReply } from 'fastify';

/**
 * A signal that aborts when the client of `reply` disconnects before its answer is sent, so work
 * done only for it (a search) can stop. The core receives the signal, never Fastify.
 */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
