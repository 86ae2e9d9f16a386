import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { InventoryChangeResult } from '../../core/inventory/inventory-admin.js';
import { requireAdmin } from '../plugins/admin-guard.js';
import { AvailabilityBody, FaresBody, InventoryChangeResponse } from '../schemas/admin-inventory.js';
import { problemResponses } from '../schemas/common.js';
import type { ApiServices } from '../services.js';

const security = [{ apiKey: [] }];

const answer = (result: InventoryChangeResult) => ({
  data: result.touched,
  meta: {
    eventId: result.eventId,
    eventIds: result.eventIds,
    count: result.touched.flights.length + result.touched.hotelNights.length,
  },
});

/** Operators' bulk fare and availability updates; each emits its event through the outbox. Admin keys only. */
export const adminInventoryRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.addHook('onRequest', requireAdmin);

  app.post(
    '/v1/admin/fares',
    {
      schema: {
        tags: ['admin'],
        summary: 'Bulk-update fares and nightly rates (emits price.updated)',
        security,
        body: FaresBody,
        response: { 200: InventoryChangeResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const result = await services.inventoryAdmin.changePrices(
        request.body.flights ?? [],
        request.body.hotels ?? [],
      );
      reply.header('cache-control', 'no-store');
      return answer(result);
    },
  );

  app.post(
    '/v1/admin/availability',
    {
      schema: {
        tags: ['admin'],
        summary: 'Bulk-update seats and rooms left (emits availability.changed)',
        security,
        body: AvailabilityBody,
        response: { 200: InventoryChangeResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const result = await services.inventoryAdmin.changeAvailability(
        request.body.flights ?? [],
        request.body.hotels ?? [],
      );
      reply.header('cache-control', 'no-store');
      return answer(result);
    },
  );
};
