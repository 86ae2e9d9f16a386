import { type TSchema, Type } from '@sinclair/typebox';

/*
 * What the Amadeus-compatible routes' schemas share (flight-schemas.ts, place-schemas.ts and
 * token-schemas.ts hold the rest), after Amadeus's published OpenAPI specifications. Bodies Amadeus
 * clients send back are open (extra members allowed): apps return whole objects they were given.
 */

export const open = { additionalProperties: true } as const;

export const AmadeusDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const AmadeusIata = Type.String({
  pattern: '^[A-Za-z]{3}$',
  description: 'IATA airport or city code',
});
export const AmadeusCabin = Type.Union(
  [Type.Literal('ECONOMY'), Type.Literal('PREMIUM_ECONOMY'), Type.Literal('BUSINESS'), Type.Literal('FIRST')],
  { description: 'Cabin (travelClass)' },
);

export const AmadeusErrorSchema = Type.Object(
  {
    errors: Type.Array(
      Type.Object({
        status: Type.Integer(),
        code: Type.Integer(),
        title: Type.String(),
        detail: Type.String(),
        source: Type.Optional(
          Type.Object({
            parameter: Type.Optional(Type.String()),
            pointer: Type.Optional(Type.String()),
            example: Type.Optional(Type.String()),
          }),
        ),
      }),
    ),
  },
  { $id: 'AmadeusError', description: 'Error body of the Amadeus-compatible routes' },
);

/** Error responses of a compatibility route, in Amadeus's shape and media type. */
export function amadeusErrorResponses(
  ...statuses: number[]
): Record<number, { description: string; content: Record<string, { schema: TSchema }> }> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: `Amadeus error (${status})`,
        content: { 'application/vnd.amadeus+json': { schema: Type.Ref('AmadeusError') } },
      },
    ]),
  );
}

/** A 2xx response of a compatibility route, in Amadeus's media type. */
export function amadeusBody(
  schema: TSchema,
  description: string,
  mediaType = 'application/vnd.amadeus+json',
): { description: string; content: Record<string, { schema: TSchema }> } {
  return { description, content: { [mediaType]: { schema } } };
}

export const Links = Type.Object({
  self: Type.String(),
  next: Type.Optional(Type.String()),
  previous: Type.Optional(Type.String()),
  first: Type.Optional(Type.String()),
  last: Type.Optional(Type.String()),
});

export const TravelerName = Type.String({ minLength: 1, maxLength: 60 });

/** `warnings` of a successful answer: what changed (a price) or was not applied (a parameter). */
export const Warnings = Type.Optional(
  Type.Array(
    Type.Object({
      status: Type.Optional(Type.Integer()),
      code: Type.Integer(),
      title: Type.String(),
      detail: Type.String(),
      source: Type.Optional(
        Type.Object({ parameter: Type.Optional(Type.String()), pointer: Type.Optional(Type.String()) }),
      ),
    }),
  ),
);

/**
 * Query strings of the compatibility routes are open: Amadeus ignored parameters it did not know,
 * so an app sending one still gets its answer.
 */
export const openQuery = { additionalProperties: true } as const;
