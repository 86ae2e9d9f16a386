import { type Static, Type } from '@sinclair/typebox';

export const LocationQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 100 }),
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  },
  { additionalProperties: false },
);
export type LocationQuery = Static<typeof LocationQuery>;

export const Location = Type.Object({
  type: Type.Union([Type.Literal('airport'), Type.Literal('city')]),
  iataCode: Type.String(),
  name: Type.String(),
  cityName: Type.String(),
  cityCode: Type.String(),
  country: Type.String(),
  latitude: Type.Number(),
  longitude: Type.Number(),
  timeZone: Type.String(),
  airports: Type.Optional(Type.Array(Type.String())),
});

export const LocationResponse = Type.Object({
  data: Type.Array(Location),
  meta: Type.Object({ count: Type.Integer(), nextCursor: Type.Null() }),
});
