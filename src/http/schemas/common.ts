import { type TSchema, Type } from '@sinclair/typebox';

export const IataCode = Type.String({ pattern: '^[A-Za-z]{3}$', description: 'IATA airport or city code' });
export const CalendarDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const DecimalAmount = Type.String({
  pattern: '^\\d{1,9}(\\.\\d{1,2})?$',
  description: 'Amount in major units as a decimal string',
});
export const CurrencyCode = Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 currency code' });
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 2048,
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
});
export const PageLimit = Type.Integer({ minimum: 1, maximum: 100, default: 20 });

export const Price = Type.Object(
  {
    total: Type.String(),
    base: Type.String(),
    taxes: Type.String(),
    currency: Type.String(),
  },
  { $id: 'Price', description: 'Money as decimal strings with the currency' },
);

export const SearchMeta = Type.Object({
  count: Type.Integer(),
  total: Type.Integer({ description: 'Offers in the whole result set' }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  searchId: Type.String(),
  cachedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  partial: Type.Boolean({
    description:
      'True when the search reached its work budget (time or amount of route expansion), or a supplier did not answer in time, and these are the best offers found in time; searching again later, or with narrower criteria, may find more.',
  }),
  suppliers: Type.Optional(
    Type.Record(
      Type.String(),
      Type.Object({
        status: Type.Union(['answered', 'cached', 'stale', 'timeout', 'failed'].map((s) => Type.Literal(s))),
        offers: Type.Integer({ minimum: 0 }),
      }),
      {
        description:
          'Flight searches: how each configured supplier took part — answered live, cached (its own fresh answer), stale (down or late: its last answer stands in), timeout (no answer by the search deadline) or failed.',
      },
    ),
  ),
});

/** A search response: a page of offers of the shared schema `offerSchemaId` and the search meta. */
export function searchResponse(offerSchemaId: string) {
  return Type.Object({ data: Type.Array(Type.Ref(offerSchemaId)), meta: SearchMeta });
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

/** Problem responses a route may give, by status, served as application/problem+json. */
export function problemResponses(
  ...statuses: number[]
): Record<number, { description: string; content: Record<string, { schema: TSchema }> }> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: 'Problem details',
        content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
      },
    ]),
  );
}
