import type { FastifyInstance } from 'fastify';

/**
 * An answer sent before the request body was read — a refusal at authentication, which runs before
 * any body is parsed — closes the connection instead of letting Node read and discard the rest, so
 * a large body from a client without credentials costs nothing.
 */
export function closeConnectionOnUnreadBody(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const { headers, complete } = request.raw;
    const length = headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
    if (hasBody && !complete) reply.header('connection', 'close');
    return payload;
  });
}
