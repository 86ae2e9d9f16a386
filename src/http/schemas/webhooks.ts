import { type Static, Type } from '@sinclair/typebox';

const EventType = Type.Union(
  [
    Type.Literal('booking.created'),
    Type.Literal('booking.cancelled'),
    Type.Literal('booking.schedule_changed'),
  ],
  { description: 'An event type the endpoint receives (`ping` is sent by the test route whatever it lists)' },
);
const Url = Type.String({
  minLength: 8,
  maxLength: 2048,
  description: 'Where events are POSTed: https (http only where WEBHOOK_REQUIRE_HTTPS=off)',
});
const Description = Type.String({ maxLength: 500 });
const Instant = Type.String({ format: 'date-time' });

export const EndpointParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export const DeliveryParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    deliveryId: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

export const NewEndpointBody = Type.Object(
  {
    url: Url,
    eventTypes: Type.Array(EventType, { minItems: 1, maxItems: 3 }),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EndpointPatchBody = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(Type.Array(EventType, { minItems: 1, maxItems: 3 })),
    description: Type.Optional(Description),
    enabled: Type.Optional(
      Type.Boolean({ description: 'true also clears the failure run of a disabled endpoint' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const EndpointSchema = Type.Object({
  id: Type.String(),
  apiKeyId: Type.String(),
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  description: Type.String(),
  consecutiveFailures: Type.Integer(),
  disabledReason: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the platform disabled the endpoint (too many failures), null otherwise',
  }),
  secretRotatedUntil: Type.Union([Instant, Type.Null()], {
    description: 'While a rotated-out secret still signs (both signatures are sent), until when',
  }),
  createdAt: Instant,
  updatedAt: Instant,
});
export type EndpointView = Static<typeof EndpointSchema>;

export const EndpointResponse = Type.Object({ data: EndpointSchema });
export const EndpointWithSecretResponse = Type.Object({
  data: Type.Composite([
    EndpointSchema,
    Type.Object({ secret: Type.String({ description: 'The signing secret (whsec_…); shown only here' }) }),
  ]),
});
export const EndpointListResponse = Type.Object({
  data: Type.Array(EndpointSchema),
  meta: Type.Object({ count: Type.Integer() }),
});

const DeliverySchema = Type.Object({
  id: Type.String({ description: 'The webhook-id header of every attempt' }),
  eventType: Type.String(),
  eventId: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Instant, Type.Null()]),
  lastAttemptAt: Type.Union([Instant, Type.Null()]),
  responseStatus: Type.Union([Type.Integer(), Type.Null()]),
  latencyMs: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Instant,
});
export type DeliveryView = Static<typeof DeliverySchema>;

export const DeliveriesQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'meta.nextCursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);

export const DeliveryListResponse = Type.Object({
  data: Type.Array(DeliverySchema),
  meta: Type.Object({ count: Type.Integer(), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
});

export const DeliveryResponse = Type.Object({
  data: Type.Composite([
    DeliverySchema,
    Type.Object({
      history: Type.Array(
        Type.Object({
          at: Instant,
          succeeded: Type.Boolean(),
          responseStatus: Type.Union([Type.Integer(), Type.Null()]),
          latencyMs: Type.Integer(),
          error: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
  ]),
});

export const ReplayBody = Type.Object(
  {
    deliveryIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 500 }),
    ),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
  },
  {
    additionalProperties: false,
    description: 'Either deliveryIds, or from and to: every finished delivery created in [from, to)',
  },
);

export const ReplayResponse = Type.Object({
  data: Type.Object({ replayed: Type.Array(Type.String()) }),
  meta: Type.Object({ count: Type.Integer() }),
});

export const PingResponse = Type.Object({
  data: Type.Object({ deliveryId: Type.String(), status: Type.Literal('pending') }),
});
