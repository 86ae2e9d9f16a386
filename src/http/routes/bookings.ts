import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { BookingOwner } from '../../ports/bookings.js';
import { bookingView } from '../booking-view.js';
import { BookingBody, BookingParams, BookingResponse, IdempotencyHeaders } from '../schemas/bookings.js';
import { problemResponses } from '../schemas/common.js';
import type { ApiServices } from '../services.js';

const security = [{ apiKey: [], bearer: [] }];

/**
 * Booking, reading and cancelling, for the user of the bearer token through the API key that sent it.
 * The bearer check runs at onRequest (after the API key), so an unauthenticated request is refused
 * before its body is even validated.
 */
export const bookingRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const owner = (request: FastifyRequest): BookingOwner => {
    // requireBearer ran in onRequest and answered 401 unless it set the user.
    const user = request.user as NonNullable<FastifyRequest['user']>;
    return { sub: user.sub, apiKeyId: user.apiKeyId };
  };

  app.post(
    '/v1/bookings',
    {
      onRequest: app.requireBearer,
      schema: {
        tags: ['bookings'],
        summary: 'Book a confirmed offer',
        description:
          'Re-prices the offer, then takes its seats or rooms atomically. The same Idempotency-Key with the same body returns the same booking (idempotent-replayed: true); with another body 422.',
        security,
        headers: IdempotencyHeaders,
        body: BookingBody,
        response: {
          201: {
            ...BookingResponse,
            headers: {
              'idempotent-replayed': { type: 'string', enum: ['true'] },
              location: { type: 'string' },
            },
          },
          ...problemResponses(400, 401, 404, 409, 410, 422),
        },
      },
    },
    async (request, reply) => {
      const { booking, replayed } = await services.bookings.book({
        owner: owner(request),
        idempotencyKey: request.headers['idempotency-key'],
        request: request.body,
      });
      if (replayed) reply.header('idempotent-replayed', 'true');
      reply.code(201).header('location', `/v1/bookings/${booking.id}`).header('cache-control', 'no-store');
      return { data: bookingView(booking) };
    },
  );

  app.get(
    '/v1/bookings/:id',
    {
      onRequest: app.requireBearer,
      schema: {
        tags: ['bookings'],
        summary: 'Read a booking (its owner only)',
        security,
        params: BookingParams,
        response: { 200: BookingResponse, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const booking = await services.bookings.get(request.params.id, owner(request));
      reply.header('cache-control', 'no-store');
      return { data: bookingView(booking) };
    },
  );

  app.post(
    '/v1/bookings/:id/cancel',
    {
      onRequest: app.requireBearer,
      schema: {
        tags: ['bookings'],
        summary: 'Cancel a booking and give its inventory back (idempotent)',
        description:
          'A booking from a remote supplier is cancelled at the supplier first: when the supplier refuses, 409 booking-not-cancellable; when it cannot be reached, 503 with Retry-After. In both cases the booking stays confirmed; retrying is safe and cancels at the supplier once.',
        security,
        params: BookingParams,
        response: { 200: BookingResponse, ...problemResponses(400, 401, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const booking = await services.bookings.cancel(request.params.id, owner(request));
      reply.header('cache-control', 'no-store');
      return { data: bookingView(booking) };
    },
  );
};
