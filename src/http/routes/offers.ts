import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problemResponses } from '../schemas/common.js';
import type { ApiServices } from '../services.js';

/** Price confirmation: re-prices an offer against live inventory, never from a cache. */
export const offerRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/v1/offers/:offerId',
    {
      schema: {
        tags: ['offers'],
        summary: 'Confirm the price of an offer',
        params: Type.Object({ offerId: Type.String({ minLength: 1, maxLength: 4096 }) }),
        response: {
          200: Type.Object({
            data: Type.Union([Type.Ref('FlightOffer'), Type.Ref('HotelOffer')]),
            meta: Type.Object({ confirmedAt: Type.String({ format: 'date-time' }) }),
          }),
          ...problemResponses(400, 404, 409, 410),
        },
      },
    },
    async (request, reply) => {
      const confirmed = await services.offers.confirm(request.params.offerId);
      reply.header('cache-control', 'no-store');
      return { data: confirmed.offer, meta: { confirmedAt: new Date(services.clock.now()).toISOString() } };
    },
  );
};
