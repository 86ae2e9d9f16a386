/**
 * The environment a function of the stack reads (infra/lib/tap-stack.ts), pointed at dynalite,
 * Redis and a mocked EventBridge, for handler tests that set it on `process.env` before the first
 * invocation.
 */
export function lambdaTestEnvironment(options: {
  table: string;
  dynamoEndpoint: string;
  /** The stack owns the table: false as deployed; true lets a test's first cold start create it. */
  createTable?: boolean;
  /** Redis as the cache and rate limiter, under this key prefix; absent: a function without Redis. */
  cachePrefix?: string;
  /** The admin key the API function provisions (as from its secret); absent: a function without it. */
  adminKey?: string;
}): Record<string, string> {
  return {
    STORE: 'dynamodb',
    DYNAMODB_TABLE: options.table,
    DYNAMODB_ENDPOINT: options.dynamoEndpoint,
    DYNAMODB_CREATE_TABLE: options.createTable === false ? 'false' : 'true',
    DYNAMODB_BOOKING_WRITES: 'conditional',
    ...(options.cachePrefix === undefined
      ? {}
      : {
          CACHE: 'redis',
          CACHE_LOCAL_TIER: 'off',
          CACHE_KEY_PREFIX: options.cachePrefix,
          RATE_LIMITER: 'redis',
        }),
    EVENT_BUS: 'eventbridge',
    EVENT_BUS_NAME: 'travel-platform-test',
    ...(options.adminKey === undefined ? {} : { ADMIN_API_KEY: options.adminKey }),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    LOG_LEVEL: 'silent',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
}

/**
 * What the stack sets on the API function beyond that: no event-loop shedding and no background
 * recomputation in a sandbox that freezes between invocations.
 */
export const API_FUNCTION_SETTINGS = {
  MAX_EVENT_LOOP_DELAY_MS: '0',
  CACHE_WARM_MIN_REQUESTS: '0',
  PREWARM_SEARCHES: '0',
} as const;
