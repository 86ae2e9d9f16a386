import type { FastifyReply, FastifyRequest } from 'fastify';
import { replyWithProblem } from '../problems.js';

/**
 * onRequest/preHandler hook admitting only admin keys. Relies on `apiKeyAuth` having run (it
 * answers 401 for a missing key before this sees the request).
 */
export async function requireAdmin(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  if (request.apiKey?.role === 'admin') return undefined;
  return replyWithProblem(request, reply, 'admin-key-required', 'This route needs an admin API key.');
}
