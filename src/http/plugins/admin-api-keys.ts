import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { type ApiKeyService, CONFIGURED_ADMIN_KEY_ID } from '../../core/gateway/api-key-service.js';
import { PLAN_NAMES } from '../../core/gateway/plans.js';
import type { UsageMeter } from '../../core/gateway/usage-meter.js';
import { usageRange } from '../../core/gateway/usage-range.js';
import { utcDay } from '../../kernel/utc-day.js';
import type { ApiKeyRecord } from '../../ports/api-keys.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { UsagePlanOverrides } from '../../ports/usage-plan.js';
import { replyWithProblem } from '../problems.js';
import { requireAdmin } from './admin-guard.js';

const UsagePlanSchema = Type.Object({
  name: Type.String(),
  rateLimit: Type.Number({ description: 'Requests per second (token refill rate).' }),
  burstLimit: Type.Integer({ description: 'Bucket size: requests admitted at once.' }),
  dailyQuota: Type.Integer({ description: 'Requests per UTC day.' }),
});

/** An API key as admins see it; the secret is never part of it. */
export const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('client'), Type.Literal('admin')]),
  usagePlan: UsagePlanSchema,
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** Body of `POST /v1/admin/api-keys`: a named plan, optionally with per-key limits. */
export const IssueApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Optional(Type.Union([Type.Literal('client'), Type.Literal('admin')])),
    plan: Type.Optional(Type.Union(PLAN_NAMES.map((name) => Type.Literal(name)))),
    rateLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    burstLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    dailyQuota: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
  },
  { additionalProperties: false },
);

const IssuedApiKeySchema = Type.Intersect([
  ApiKeySchema,
  Type.Object({ key: Type.String({ description: 'The secret key; shown only in this response.' }) }),
]);

const KeyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'UTC day, YYYY-MM-DD.' });
const UsageQuery = Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) });

const DailyUsageSchema = Type.Object({
  day: Type.String(),
  requests: Type.Integer(),
  searches: Type.Integer(),
  clientErrors: Type.Integer({ description: '4xx answers other than 429.' }),
  serverErrors: Type.Integer(),
  throttled: Type.Integer({ description: '429 answers (rate or quota).' }),
});

export interface AdminApiKeysOptions {
  keys: ApiKeyService;
  meter: UsageMeter;
  clock?: Clock;
}

/**
 * `POST/GET/DELETE /v1/admin/api-keys[/{id}]` and `GET /v1/admin/api-keys/{id}/usage`, for admin
 * keys only. Register after `apiKeyAuth` and `rateLimit` (they run app-wide first).
 */
export const adminApiKeyRoutes: FastifyPluginAsyncTypebox<AdminApiKeysOptions> = async (app, options) => {
  const { keys, meter } = options;
  const clock = options.clock ?? systemClock;
  const view = (record: ApiKeyRecord): Static<typeof ApiKeySchema> => ({
    id: record.id,
    name: record.name,
    role: record.role,
    usagePlan: keys.planOf(record),
    createdAt: new Date(record.createdAt).toISOString(),
    revokedAt: record.revokedAt === undefined ? null : new Date(record.revokedAt).toISOString(),
  });

  app.addHook('onRequest', requireAdmin);

  app.post(
    '/v1/admin/api-keys',
    {
      schema: {
        summary: 'Issue an API key (the secret is shown once)',
        tags: ['admin'],
        body: IssueApiKeyBody,
        response: { 201: IssuedApiKeySchema },
      },
    },
    async (request, reply) => {
      const { name, role, plan, rateLimit, burstLimit, dailyQuota } = request.body;
      const overrides: UsagePlanOverrides = {};
      if (rateLimit !== undefined) overrides.rateLimit = rateLimit;
      if (burstLimit !== undefined) overrides.burstLimit = burstLimit;
      if (dailyQuota !== undefined) overrides.dailyQuota = dailyQuota;
      const issued = await keys.issue({ name, role, plan, overrides });
      reply.code(201).header('cache-control', 'no-store');
      return { ...view(issued.record), key: issued.key };
    },
  );

  app.get(
    '/v1/admin/api-keys',
    {
      schema: {
        summary: 'List API keys',
        tags: ['admin'],
        response: {
          200: Type.Object({
            data: Type.Array(ApiKeySchema),
            meta: Type.Object({ count: Type.Integer(), nextCursor: Type.Null() }),
          }),
        },
      },
    },
    async () => {
      const data = (await keys.list()).map(view);
      return { data, meta: { count: data.length, nextCursor: null } };
    },
  );

  app.get(
    '/v1/admin/api-keys/:id',
    {
      schema: {
        summary: 'Read an API key',
        tags: ['admin'],
        params: KeyParams,
        response: { 200: ApiKeySchema },
      },
    },
    async (request, reply) => {
      const record = await keys.get(request.params.id);
      if (record === undefined) return notFound(request, reply, request.params.id);
      return view(record);
    },
  );

  app.delete(
    '/v1/admin/api-keys/:id',
    { schema: { summary: 'Revoke an API key', tags: ['admin'], params: KeyParams } },
    async (request, reply) => {
      if (!(await keys.revoke(request.params.id))) return notFound(request, reply, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/admin/api-keys/:id/usage',
    {
      schema: {
        summary: 'Daily usage of an API key',
        tags: ['admin'],
        params: KeyParams,
        querystring: UsageQuery,
        response: {
          200: Type.Object({
            data: Type.Array(DailyUsageSchema),
            meta: Type.Object({ count: Type.Integer(), from: Type.String(), to: Type.String() }),
          }),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { from, to, errors } = usageRange(request.query, utcDay(clock.now()));
      if (errors.length > 0) {
        return replyWithProblem(request, reply, 'validation-failed', 'The usage range is invalid.', {
          errors,
        });
      }
      if (id !== CONFIGURED_ADMIN_KEY_ID && (await keys.get(id)) === undefined)
        return notFound(request, reply, id);
      // Counts are buffered in the meter; write them out so the answer includes this very second.
      await meter.flush();
      const data = await keys.usage(id, from, to);
      return { data, meta: { count: data.length, from, to } };
    },
  );
};

function notFound(
  request: Parameters<typeof replyWithProblem>[0],
  reply: Parameters<typeof replyWithProblem>[1],
  id: string,
) {
  return replyWithProblem(request, reply, 'api-key-not-found', `No API key has id ${id}.`);
}
