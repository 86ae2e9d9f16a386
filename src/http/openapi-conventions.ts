import { AMADEUS_TAG } from './amadeus/context.js';
import { TOKEN_PATH } from './amadeus/paths.js';

/** The tags of the document, in the order readers meet them. */
export const OPENAPI_TAGS = [
  { name: 'search', description: 'Airport and city autocomplete, flight and hotel search' },
  { name: 'offers', description: 'Price confirmation against live inventory' },
  { name: 'bookings', description: 'Booking, reading and cancelling, for the user of a bearer token' },
  { name: 'admin', description: 'API keys, usage and inventory updates (admin key)' },
  { name: 'health', description: 'Liveness and readiness probes' },
  {
    name: 'webhooks',
    description:
      'Endpoints that receive signed booking events (Standard Webhooks), their delivery log and replay; a key manages its own endpoints, the admin key all',
  },
  {
    name: 'analytics',
    description:
      'Traffic, latency, cache, bookings, usage by key and cost per request over a window (admin key; a client key reads its own usage)',
  },
  {
    name: AMADEUS_TAG,
    description:
      'The Amadeus Self-Service routes the official Amadeus SDKs call, in Amadeus shapes and errors, authenticated with a bearer token from client credentials (an API key id and the key).',
  },
];

/** The security scheme of the Amadeus-compatible routes: OAuth 2.0 client credentials over API keys. */
export const AMADEUS_SECURITY_SCHEME = {
  type: 'oauth2',
  description: 'client_id is an API key id, client_secret the whole API key',
  flows: { clientCredentials: { tokenUrl: TOKEN_PATH, scopes: {} } },
} as const;

interface RouteSchema {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  hide?: boolean;
  [member: string]: unknown;
}

const AMADEUS_PREFIX = /^\/v[123]\/(security|shopping|booking|reference-data)\//;

/** `GET /v1/bookings/:id` → `getV1BookingsById`: stable, unique, and what client generators name methods by. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter(Boolean)
    .flatMap((segment) =>
      segment.startsWith(':') ? ['by', segment.slice(1)] : segment.split(/[^A-Za-z0-9]+/),
    )
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join('');
}

/**
 * What every operation of the document carries, filled in where a route does not say: an
 * operationId, a description (its summary), and its security: the API key for /v1, a token from
 * client credentials for the Amadeus-compatible routes, none for the rest (health probes).
 */
export function documentOperation<T>(schema: T, url: string, method: string): T {
  const route = (schema ?? {}) as RouteSchema;
  if (route.hide) return schema;
  const security = route.security ?? defaultSecurity(url);
  return {
    ...route,
    operationId: route.operationId ?? operationIdOf(method, url),
    ...(route.summary !== undefined && route.description === undefined ? { description: route.summary } : {}),
    security,
  } as T;
}

function defaultSecurity(url: string): unknown[] {
  if (AMADEUS_PREFIX.test(url)) return url === TOKEN_PATH ? [] : [{ amadeusOAuth2: [] }];
  if (url.startsWith('/v1/')) return [{ apiKey: [] }];
  return [];
}
