import http from 'node:http';
import { createRequire } from 'node:module';

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
