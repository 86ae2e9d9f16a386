import http from 'node:http';
import { createRequire } from 'node:module';
import type { TestPlatform } from './test-platform.js';

const require = createRequire(import.meta.url);

/** Parsed JSON as the SDK hands it over (it types nothing). */
export type SdkJson = ReturnType<typeof JSON.parse>;

/** What the SDK resolves with. */
export interface SdkResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: string;
  result: SdkJson;
  data: SdkJson;
}

/** What the SDK rejects with: `code` is the error class name. */
export interface SdkError {
  code: string;
  description: SdkJson;
  response: SdkResponse;
}

type Call = (...args: unknown[]) => Promise<SdkResponse>;

/** The official SDK's surface the tests use, as its namespaces spell it. */
export interface AmadeusSdk {
  referenceData: {
    locations: { get: Call; hotels: { byCity: { get: Call } } };
    location(id: string): { get: Call };
  };
  shopping: {
    flightOffersSearch: { get: Call; post: Call };
    flightOffers: { pricing: { post: Call } };
    hotelOffersSearch: { get: Call };
    hotelOfferSearch(id: string): { get: Call };
  };
  booking: {
    flightOrders: { post: Call };
    flightOrder(id: string): { get: Call; delete: Call };
    hotelOrders: { post: Call };
  };
  next(response: SdkResponse): Promise<SdkResponse | null>;
  client: { accessToken: { accessToken?: string } };
}

/**
 * The official `amadeus` SDK pointed at a local listener. Its `ssl: false` is ignored (it reads
 * `options.ssl || env || true`), so plain HTTP needs an `http` object forcing the protocol, exactly
 * what an app does to reach a travel-platform without TLS.
 */
export function amadeusSdk(baseUrl: string, clientId: string, clientSecret: string): AmadeusSdk {
  const Amadeus = require('amadeus') as new (options: Record<string, unknown>) => AmadeusSdk;
  const url = new URL(baseUrl);
  return new Amadeus({
    clientId,
    clientSecret,
    host: url.hostname,
    port: Number(url.port),
    ssl: false,
    logLevel: 'silent',
    http: {
      request: (options: http.RequestOptions, callback: (response: http.IncomingMessage) => void) =>
        http.request({ ...options, protocol: 'http:' }, callback),
    },
  });
}

/** The error an SDK call rejected with; fails when it resolved. */
export async function sdkFailure(call: Promise<SdkResponse>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('the SDK call succeeded where it should have failed');
}

/**
 * An app of `platform` signed in through the official SDK: a partner key without practical limits
 * (the tests measure answers, not metering), one call made so the SDK holds its access token.
 */
export async function signedInSdk(
  platform: TestPlatform,
  name: string,
): Promise<{ sdk: AmadeusSdk; token: string }> {
  const issued = await platform.platform.gateway.options.keys.issue({
    name,
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  });
  const sdk = amadeusSdk(platform.baseUrl, issued.record.id, issued.key);
  await sdk.referenceData.location('ALHR').get();
  return { sdk, token: sdk.client.accessToken.accessToken ?? '' };
}

/**
 * A POST as the Python SDK (a dict as JSON) and the Java SDK (a Gson-written body) send one: JSON
 * under the Amadeus media type, with the app's token.
 */
export async function amadeusPost(
  baseUrl: string,
  token: string,
  path: string,
  body: unknown,
): Promise<{ status: number; json: SdkJson }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/vnd.amadeus+json',
      accept: 'application/json, application/vnd.amadeus+json',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}
