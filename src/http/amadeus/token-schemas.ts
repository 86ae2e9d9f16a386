import { Type } from '@sinclair/typebox';
import { open } from './schemas.js';

/* The OAuth 2.0 token endpoint, as Amadeus's Authorization v1 specification defines it. */

export const TokenBody = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ maxLength: 64 })),
    client_id: Type.Optional(Type.String({ maxLength: 256 })),
    client_secret: Type.Optional(Type.String({ maxLength: 256 })),
  },
  open,
);

export const TokenResponse = Type.Object({
  type: Type.Literal('amadeusOAuth2Token'),
  username: Type.String(),
  application_name: Type.String(),
  client_id: Type.String(),
  token_type: Type.Literal('Bearer'),
  access_token: Type.String(),
  expires_in: Type.Integer(),
  state: Type.Literal('approved'),
  scope: Type.String(),
});

export const OAuthErrorSchema = Type.Object({
  error: Type.String(),
  error_description: Type.String(),
  code: Type.Integer(),
  title: Type.String(),
});
