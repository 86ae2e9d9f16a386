import { type TSchema, Type } from '@sinclair/typebox';

export const AnalyticsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Start of the window (inclusive); default an hour before `to`.',
      }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'End of the window (exclusive); default now.' }),
    ),
    granularity: Type.Optional(
      Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')], {
        description: 'Bucket width; default minute up to 6 h, hour up to 14 days, day beyond.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TopRoutesQuery = Type.Composite(
  [AnalyticsQuery, Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }) })],
  { additionalProperties: false },
);

const Ratio = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
const Latency = Type.Object({
  count: Type.Integer(),
  p50: Type.Number({ description: 'ms' }),
  p95: Type.Number({ description: 'ms' }),
  p99: Type.Number({ description: 'ms' }),
});
const CacheSummary = Type.Object({
  hit: Type.Integer(),
  miss: Type.Integer(),
  stale: Type.Integer(),
  hitRatio: Ratio,
});

export const AnalyticsSummarySchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  requests: Type.Integer(),
  searches: Type.Integer(),
  offersPriced: Type.Integer(),
  bookings: Type.Integer(),
  cancellations: Type.Integer(),
  priceUpdates: Type.Integer(),
  lookToBook: Type.Union([Type.Number(), Type.Null()], { description: 'Searches per booking.' }),
  cacheHitRatio: Ratio,
  cache: Type.Record(Type.String(), CacheSummary, { description: 'By cached data type.' }),
  latencyMs: Type.Composite([Latency, Type.Object({ byRouteGroup: Type.Record(Type.String(), Latency) })]),
  clientErrors: Type.Integer(),
  serverErrors: Type.Integer(),
  throttled: Type.Integer({ description: 'Requests answered 429.' }),
  errorRate: Type.Number(),
  availability: Type.Number(),
  revenue: Type.Array(Type.Object({ currency: Type.String(), amount: Type.String() })),
});

export const TimeseriesPointSchema = Type.Object({
  time: Type.String({ format: 'date-time' }),
  requests: Type.Integer(),
  searches: Type.Integer(),
  bookings: Type.Integer(),
  serverErrors: Type.Integer(),
  throttled: Type.Integer(),
  cacheHitRatio: Ratio,
  p50: Type.Number(),
  p95: Type.Number(),
  p99: Type.Number(),
});

const RouteCount = Type.Object({ route: Type.String(), searches: Type.Integer() });
export const TopRoutesSchema = Type.Object({
  routes: Type.Array(RouteCount),
  cities: Type.Array(RouteCount),
});

export const KeyUsageSchema = Type.Object({
  keyId: Type.String(),
  plan: Type.String(),
  requests: Type.Integer(),
  searches: Type.Integer(),
  errors: Type.Integer(),
  throttled: Type.Integer(),
});

const PriceLineSchema = Type.Object({
  item: Type.String(),
  usd: Type.Number(),
  unit: Type.String(),
  source: Type.String(),
  asOf: Type.String(),
});

export const CostEstimateSchema = Type.Object({
  target: Type.Union([Type.Literal('aws'), Type.Literal('self-hosted')]),
  traffic: Type.Object({
    requests: Type.Number(),
    searches: Type.Number(),
    hitRatio: Type.Number(),
    offersPriced: Type.Number(),
    bookings: Type.Number(),
    meanDurationMs: Type.Number(),
  }),
  lines: Type.Array(
    Type.Object({
      name: Type.String(),
      quantity: Type.Number(),
      unit: Type.String(),
      unitUsd: Type.Number(),
      monthlyUsd: Type.Number(),
      price: PriceLineSchema,
    }),
  ),
  monthlyUsd: Type.Number(),
  perRequestUsd: Type.Number(),
  dominant: Type.String(),
  fixedShare: Type.Number(),
});

export const LiveCostSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  requests: Type.Integer(),
  estimate: CostEstimateSchema,
});

export const CacheReportSchema = Type.Object({
  accesses: Type.Integer(),
  byType: Type.Array(
    Type.Object({
      dataType: Type.String(),
      accesses: Type.Integer(),
      hitRatio: Type.Number(),
      replayed: Type.Array(Type.Object({ ttlSeconds: Type.Number(), hitRatio: Type.Number() })),
    }),
  ),
  missingRoutes: Type.Array(
    Type.Object({ route: Type.String(), accesses: Type.Integer(), misses: Type.Integer() }),
  ),
  advice: Type.Array(
    Type.Object({
      rule: Type.String(),
      dataType: Type.String(),
      advice: Type.String(),
      evidence: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
    }),
  ),
});

/** `{ data }` of one object. */
export const single = <T extends TSchema>(data: T) => Type.Object({ data });
/** `{ data: [...], meta }` of a list, as every list answers. */
export const list = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    meta: Type.Object({ count: Type.Integer(), nextCursor: Type.Null() }),
  });
