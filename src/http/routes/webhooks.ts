import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { invalidField } from '../../core/errors.js';
import type { WebhookCaller, WebhookEndpoints } from '../../core/webhooks/webhook-endpoints.js';
import type { WebhookAttempt, WebhookDeliveryRecord, WebhookEndpointRecord } from '../../ports/webhooks.js';
import { problemResponses } from '../schemas/common.js';
import {
  DeliveriesQuery,
  DeliveryListResponse,
  DeliveryParams,
  DeliveryResponse,
  type DeliveryView,
  EndpointListResponse,
  EndpointParams,
  EndpointPatchBody,
  EndpointResponse,
  type EndpointView,
  EndpointWithSecretResponse,
  NewEndpointBody,
  PingResponse,
  ReplayBody,
  ReplayResponse,
} from '../schemas/webhooks.js';

const security = [{ apiKey: [] }];
const tags = ['webhooks'];
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function endpointView(endpoint: WebhookEndpointRecord): EndpointView {
  const rotated = endpoint.secrets.map((s) => s.expiresAt).filter((at): at is number => at !== undefined);
  return {
    id: endpoint.id,
    apiKeyId: endpoint.apiKeyId,
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    description: endpoint.description,
    consecutiveFailures: endpoint.consecutiveFailures,
    disabledReason: endpoint.disabledReason ?? null,
    secretRotatedUntil: rotated.length === 0 ? null : iso(Math.max(...rotated)),
    createdAt: new Date(endpoint.createdAt).toISOString(),
    updatedAt: new Date(endpoint.updatedAt).toISOString(),
  };
}

function deliveryView(delivery: WebhookDeliveryRecord): DeliveryView {
  return {
    id: delivery.id,
    eventType: delivery.eventType,
    eventId: delivery.eventId,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    responseStatus: delivery.lastStatusCode ?? null,
    latencyMs: delivery.lastLatencyMs ?? null,
    error: delivery.lastError ?? null,
    createdAt: new Date(delivery.createdAt).toISOString(),
  };
}

function attemptView(attempt: WebhookAttempt) {
  return {
    at: new Date(attempt.at).toISOString(),
    succeeded: attempt.succeeded,
    responseStatus: attempt.statusCode ?? null,
    latencyMs: attempt.latencyMs,
    error: attempt.error ?? null,
  };
}

/**
 * Webhook endpoints of the calling API key (every key's for the admin key). Thin: each route is a
 * schema and one call of core/webhooks/webhook-endpoints.ts.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookEndpoints }> = async (
  app,
  { webhooks },
) => {
  // apiKeyAuth answered 401 before any route runs when the key is missing.
  const caller = (request: FastifyRequest): WebhookCaller => {
    const key = request.apiKey as NonNullable<FastifyRequest['apiKey']>;
    return { apiKeyId: key.keyId, admin: key.role === 'admin' };
  };
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });

  app.post(
    '/v1/webhooks/endpoints',
    {
      schema: {
        tags,
        summary: 'Register a webhook endpoint (its signing secret is shown only in this answer)',
        security,
        body: NewEndpointBody,
        response: { 201: EndpointWithSecretResponse, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { endpoint, secret } = await webhooks.create(caller(request), request.body);
      reply.code(201).header('location', `/v1/webhooks/endpoints/${endpoint.id}`);
      return { data: { ...endpointView(endpoint), secret } };
    },
  );

  app.get(
    '/v1/webhooks/endpoints',
    {
      schema: {
        tags,
        summary: "List the key's webhook endpoints (every key's for the admin key)",
        security,
        response: { 200: EndpointListResponse, ...problemResponses(401) },
      },
    },
    async (request) => {
      const endpoints = await webhooks.list(caller(request));
      return { data: endpoints.map(endpointView), meta: { count: endpoints.length } };
    },
  );

  app.get(
    '/v1/webhooks/endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Read a webhook endpoint',
        security,
        params: EndpointParams,
        response: { 200: EndpointResponse, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => ({ data: endpointView(await webhooks.get(caller(request), request.params.id)) }),
  );

  app.patch(
    '/v1/webhooks/endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook endpoint (enabling it again clears its failure run)',
        security,
        params: EndpointParams,
        body: EndpointPatchBody,
        response: { 200: EndpointResponse, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => ({
      data: endpointView(await webhooks.update(caller(request), request.params.id, request.body)),
    }),
  );

  app.delete(
    '/v1/webhooks/endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook endpoint',
        security,
        params: EndpointParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.remove(caller(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/webhooks/endpoints/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Rotate the signing secret; the previous one keeps signing during the overlap window',
        security,
        params: EndpointParams,
        response: { 200: EndpointWithSecretResponse, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { endpoint, secret } = await webhooks.rotateSecret(caller(request), request.params.id);
      return { data: { ...endpointView(endpoint), secret } };
    },
  );

  app.post(
    '/v1/webhooks/endpoints/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a signed ping event to the endpoint (queued like any delivery)',
        security,
        params: EndpointParams,
        response: { 202: PingResponse, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const delivery = await webhooks.ping(caller(request), request.params.id);
      reply.code(202);
      return { data: { deliveryId: delivery.id, status: 'pending' as const } };
    },
  );

  app.get(
    '/v1/webhooks/endpoints/:id/deliveries',
    {
      schema: {
        tags,
        summary: "The endpoint's deliveries, newest first: status, attempts, last response code and latency",
        security,
        params: EndpointParams,
        querystring: DeliveriesQuery,
        response: { 200: DeliveryListResponse, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { limit, status, cursor } = request.query;
      const page = await webhooks.deliveries(caller(request), request.params.id, {
        limit,
        ...(status === undefined ? {} : { status }),
        ...(cursor === undefined ? {} : { before: cursor }),
      });
      const last = page.at(-1);
      return {
        data: page.map(deliveryView),
        meta: { count: page.length, nextCursor: page.length === limit && last ? last.sequence : null },
      };
    },
  );

  app.get(
    '/v1/webhooks/endpoints/:id/deliveries/:deliveryId',
    {
      schema: {
        tags,
        summary: 'One delivery with every attempt',
        security,
        params: DeliveryParams,
        response: { 200: DeliveryResponse, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { delivery, attempts } = await webhooks.delivery(
        caller(request),
        request.params.id,
        request.params.deliveryId,
      );
      return { data: { ...deliveryView(delivery), history: attempts.map(attemptView) } };
    },
  );

  app.post(
    '/v1/webhooks/endpoints/:id/replay',
    {
      schema: {
        tags,
        summary: 'Send finished deliveries again: some by id, or all created in a time range',
        security,
        params: EndpointParams,
        body: ReplayBody,
        response: { 202: ReplayResponse, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { deliveryIds, from, to } = request.body;
      if (deliveryIds !== undefined && (from !== undefined || to !== undefined))
        throw invalidField('body.deliveryIds', 'give either deliveryIds or from and to, not both');
      let replayed: string[];
      if (deliveryIds !== undefined)
        replayed = await webhooks.replay(caller(request), request.params.id, { deliveryIds });
      else {
        if (from === undefined)
          throw invalidField('body.from', 'from and to are required without deliveryIds');
        if (to === undefined) throw invalidField('body.to', 'from and to are required without deliveryIds');
        replayed = await webhooks.replay(caller(request), request.params.id, {
          from: Date.parse(from),
          to: Date.parse(to),
        });
      }
      reply.code(202);
      return { data: { replayed }, meta: { count: replayed.length } };
    },
  );
};
