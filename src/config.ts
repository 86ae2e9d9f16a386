/**
 * Environment → one typed, validated, frozen configuration. Each option keeps its env name,
 * default and doc side by side; the README's configuration table is generated from `options`.
 */

import { isIP } from 'node:net';
import { getHeapStatistics } from 'node:v8';

export interface ConfigOption<T> {
  env: string;
  doc: string;
  /** Default as it would be written in the environment. */
  default: string;
  parse: (raw: string) => T;
  /** A credential: a bad value is reported by its length only, never echoed into logs. */
  secret?: true;
}

/** A value the environment gave that the option does not accept; `message` is one line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

class InvalidValue extends Error {}

const integer =
  (min: number, max: number) =>
  (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidValue(`an integer from ${min} to ${max}`);
    const value = Number(raw);
    if (value < min || value > max) throw new InvalidValue(`an integer from ${min} to ${max}`);
    return value;
  };

const oneOf =
  <const T extends string>(...allowed: T[]) =>
  (raw: string): T => {
    if (!(allowed as string[]).includes(raw)) throw new InvalidValue(`one of ${allowed.join(', ')}`);
    return raw as T;
  };

const text = (raw: string): string => raw;

/** Bytes, or `N%` of this process's V8 heap limit (resolved here: each process reads its own config). */
const bytesOrHeapShare = (raw: string): number => {
  const share = /^\s*(\d{1,3}(?:\.\d+)?)%\s*$/.exec(raw);
  if (share) {
    const percent = Number(share[1]);
    if (percent <= 0 || percent > 100)
      throw new InvalidValue('bytes, or a percentage of the heap limit from 1% to 100%');
    return Math.floor((getHeapStatistics().heap_size_limit * percent) / 100);
  }
  try {
    return integer(0, Number.MAX_SAFE_INTEGER)(raw);
  } catch {
    throw new InvalidValue('bytes (an integer, 0 disables), or a percentage of the heap limit like 90%');
  }
};

/** 0 (a derived default), or what `parse` accepts. */
const zeroOr =
  (parse: (raw: string) => number) =>
  (raw: string): number => {
    if (raw.trim() === '0') return 0;
    try {
      return parse(raw);
    } catch (error) {
      if (error instanceof InvalidValue) throw new InvalidValue(`0 or ${error.message}`);
      throw error;
    }
  };

/** `auto` (derived where the value is used), or what `parse` accepts. */
const autoOr =
  (parse: (raw: string) => number) =>
  (raw: string): number | 'auto' => {
    if (raw.trim() === 'auto') return 'auto';
    try {
      return parse(raw);
    } catch (error) {
      if (error instanceof InvalidValue) throw new InvalidValue(`auto or ${error.message}`);
      throw error;
    }
  };

const decimal =
  (min: number, max: number) =>
  (raw: string): number => {
    if (!/^\d+(\.\d+)?$/.test(raw.trim())) throw new InvalidValue(`a decimal number from ${min} to ${max}`);
    const value = Number(raw);
    if (value < min || value > max) throw new InvalidValue(`a decimal number from ${min} to ${max}`);
    return value;
  };

const nonEmpty = (raw: string): string => {
  if (raw.trim() === '') throw new InvalidValue('a non-empty string');
  return raw;
};

const optionalUrl = (raw: string): string | undefined => {
  if (raw === '') return undefined;
  try {
    new URL(raw);
  } catch {
    throw new InvalidValue('an absolute URL (or empty)');
  }
  return raw;
};

/** Empty (trust no proxy), or comma-separated addresses and CIDR ranges of trusted proxies. */
const proxyAddresses = (raw: string): readonly string[] => {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined)
      throw new InvalidValue('empty, or comma-separated proxy addresses or CIDR ranges like 10.0.0.0/8');
  }
  return Object.freeze(entries);
};

/** `*` (any origin), empty (no CORS), or a comma-separated list of origins. */
const corsOrigins = (raw: string): '*' | string[] => {
  if (raw.trim() === '*') return '*';
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new InvalidValue('*, empty, or comma-separated origins like https://app.example.com');
  }
  return origins;
};

const instanceName = (raw: string): string => {
  if (!/^[A-Za-z0-9._:-]{0,100}$/.test(raw))
    throw new InvalidValue('up to 100 letters, digits, ".", "_", ":" or "-"');
  return raw;
};

const optionalPath = (raw: string): string | undefined => (raw.trim() === '' ? undefined : raw);

const optionalSecret = (raw: string): string | undefined => {
  if (raw === '') return undefined;
  if (raw.length < 32) throw new InvalidValue('at least 32 characters (or empty to generate one)');
  return raw;
};

/** Empty, or comma-separated secrets of 32 characters or more. */
const secretList = (raw: string): string[] => {
  const secrets = raw
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
  if (secrets.some((secret) => secret.length < 32))
    throw new InvalidValue('comma-separated secrets of at least 32 characters each (or empty)');
  return secrets;
};

const metricsToken = (raw: string): string | undefined => {
  if (raw === '') return undefined;
  if (raw.length < 32 || /\s/.test(raw))
    throw new InvalidValue('at least 32 characters without spaces (or empty: local scrapers only)');
  return raw;
};

/** DynamoDB's own rule for table names. */
const dynamoTableName = (raw: string): string => {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(raw))
    throw new InvalidValue('3 to 255 letters, digits, "_", "-" or "."');
  return raw;
};

const redisUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('a redis:// or rediss:// URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new InvalidValue('a redis:// or rediss:// URL');
  return raw;
};

/**
 * A route to prewarm: origin and destination IATA airport or city codes, and either one departure
 * date or (none) each of the next PREWARM_ROUTE_DAYS days.
 */
export interface PrewarmRoute {
  origin: string;
  destination: string;
  departureDate?: string;
}

const isCalendarDate = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** Comma-separated `ORIGIN-DESTINATION` or `ORIGIN-DESTINATION:YYYY-MM-DD`, each at most once; empty: none. */
const prewarmRoutes = (raw: string): PrewarmRoute[] => {
  const expected =
    'empty, or comma-separated ORIGIN-DESTINATION pairs of IATA codes, each optionally with :YYYY-MM-DD, like LHR-JFK,CDG-NCE:2026-12-24 (at most 1000)';
  const routes: PrewarmRoute[] = [];
  const seen = new Set<string>();
  for (const entry of raw.split(',').map((part) => part.trim().toUpperCase())) {
    if (entry === '') continue;
    const match = /^([A-Z]{3})-([A-Z]{3})(?::(\d{4}-\d{2}-\d{2}))?$/.exec(entry);
    if (!match || match[1] === match[2] || seen.has(entry)) throw new InvalidValue(expected);
    const [, origin, destination, departureDate] = match as unknown as [string, string, string, string?];
    if (departureDate !== undefined && !isCalendarDate(departureDate)) throw new InvalidValue(expected);
    seen.add(entry);
    routes.push({ origin, destination, ...(departureDate ? { departureDate } : {}) });
  }
  if (routes.length > 1000) throw new InvalidValue(expected);
  return routes;
};

/** Suppliers that can be enabled, in the order they are written in `SUPPLIERS`. */
export const SUPPLIER_NAMES = ['inventory', 'duffel', 'http'] as const;
export type SupplierName = (typeof SUPPLIER_NAMES)[number];

const supplierList = (raw: string): SupplierName[] => {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const expected = `a comma-separated list of ${SUPPLIER_NAMES.join(', ')} (each at most once)`;
  if (names.length === 0 || new Set(names).size !== names.length) throw new InvalidValue(expected);
  for (const name of names) {
    if (!(SUPPLIER_NAMES as readonly string[]).includes(name)) throw new InvalidValue(expected);
  }
  return names as SupplierName[];
};

const postgresUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('a postgres:// or postgresql:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new InvalidValue('a postgres:// or postgresql:// URL');
  return raw;
};

const schemaName = (raw: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,47}$/.test(raw))
    throw new InvalidValue(
      'a lower-case SQL name: letters, digits and "_", not starting with a digit, at most 48',
    );
  return raw;
};

export const options = {
  host: { env: 'HOST', doc: 'Interface the HTTP server listens on.', default: '0.0.0.0', parse: nonEmpty },
  trustProxy: {
    env: 'TRUST_PROXY',
    doc: "Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed: the client address (failed-credential throttling, logs) and scheme (the dashboard cookie's Secure flag) are then read from them. Empty: the socket's peer is the client and forwarded headers are ignored. Set it behind a proxy, or every client shares the proxy's address.",
    default: '',
    parse: proxyAddresses,
  },
  port: {
    env: 'PORT',
    doc: 'TCP port of the HTTP server (0 picks a free one).',
    default: '3000',
    parse: integer(0, 65535),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    doc: 'pino log level; a line per request is logged at `debug` and `trace` only.',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  storeBackend: {
    env: 'STORE',
    doc: 'Store backend holding inventory, bookings, API keys and the event outbox: sqlite (embedded, one machine or processes sharing one file), postgres (DATABASE_URL; a self-hosted cluster) or dynamodb (one DynamoDB table, the AWS deployment).',
    default: 'sqlite',
    parse: oneOf('sqlite', 'postgres', 'dynamodb'),
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    doc: 'PostgreSQL connection URL (libpq form) of STORE=postgres; the database must exist, the schema and tables are created at start.',
    default: 'postgres://127.0.0.1:5432/travel',
    parse: postgresUrl,
  },
  pgSchema: {
    env: 'PG_SCHEMA',
    doc: 'PostgreSQL schema holding the tables (STORE=postgres); processes sharing it share the data, another schema is another store.',
    default: 'travel_platform',
    parse: schemaName,
  },
  pgPoolSize: {
    env: 'PG_POOL_SIZE',
    doc: 'Most PostgreSQL connections one process opens (STORE=postgres); one more is used to LISTEN for outbox appends.',
    default: '10',
    parse: integer(1, 1000),
  },
  pgStatementTimeoutMs: {
    env: 'PG_STATEMENT_TIMEOUT_MS',
    doc: 'A PostgreSQL statement running longer is cancelled and the request answered 503 (STORE=postgres); keep it below REQUEST_TIMEOUT_MS.',
    default: '5000',
    parse: integer(100, 600_000),
  },
  pgConnectTimeoutMs: {
    env: 'PG_CONNECT_TIMEOUT_MS',
    doc: 'Opening a PostgreSQL connection taking longer fails (STORE=postgres), so an unreachable server is answered 503 quickly.',
    default: '2000',
    parse: integer(100, 60_000),
  },
  pgBinDir: {
    env: 'PG_BIN_DIR',
    doc: 'Directory holding pg_dump and pg_restore, which `travel-platform backup` and `restore` run on STORE=postgres; empty: found on PATH.',
    default: '',
    parse: optionalPath,
  },
  storeStartTimeoutMs: {
    env: 'STORE_START_TIMEOUT_MS',
    doc: 'How long (ms) `serve` keeps retrying a PostgreSQL or DynamoDB store it cannot reach at start (a SQLite file that cannot be opened stops it at once), from the first failure (backoff with jitter, at most 10 s apart; /health/live answers 200 and everything else 503 meanwhile) before exiting 69; 0 exits at the first failure. See docs/adr/0019-store-connection-faults.md.',
    default: '300000',
    parse: integer(0, 86_400_000),
  },
  sqliteFile: {
    env: 'SQLITE_FILE',
    doc: 'SQLite database file (created if missing).',
    default: './data/travel-platform.db',
    parse: nonEmpty,
  },
  dynamodbTable: {
    env: 'DYNAMODB_TABLE',
    doc: 'DynamoDB table of the dynamodb store (its single table; the AWS stack names it TravelData<suffix>). Region and credentials come from the AWS SDK standard environment (AWS_REGION, AWS_PROFILE, …).',
    default: 'TravelData',
    parse: dynamoTableName,
  },
  dynamodbEndpoint: {
    env: 'DYNAMODB_ENDPOINT',
    doc: 'Endpoint of a local DynamoDB-compatible server (dynalite, DynamoDB Local); empty: the AWS endpoint of the region. With an endpoint set, fixed local credentials are used and the region defaults to us-east-1.',
    default: '',
    parse: optionalUrl,
  },
  dynamodbCreateTable: {
    env: 'DYNAMODB_CREATE_TABLE',
    doc: 'Create the DynamoDB table at start when it is missing: true, false, or auto (only when DYNAMODB_ENDPOINT is set; on AWS the stack owns the table).',
    default: 'auto',
    parse: oneOf('auto', 'true', 'false'),
  },
  dynamodbBookingWrites: {
    env: 'DYNAMODB_BOOKING_WRITES',
    doc: 'How a DynamoDB booking takes its seats or rooms: transaction (TransactWriteItems, all or nothing; AWS) or conditional (conditional decrements in a fixed order with compensation, for local servers without transactions). Both never overbook.',
    default: 'transaction',
    parse: oneOf('transaction', 'conditional'),
  },
  seedOnStart: {
    env: 'SEED_ON_START',
    doc: 'Generate demo inventory when the store is empty at start.',
    default: 'true',
    parse: oneOf('true', 'false'),
  },
  seedAirports: {
    env: 'SEED_AIRPORTS',
    doc: 'Airports in the demo network generated at start.',
    default: '300',
    parse: integer(2, 3000),
  },
  seedDays: {
    env: 'SEED_DAYS',
    doc: 'Days of schedules generated at start.',
    default: '90',
    parse: integer(1, 365),
  },
  seedValue: {
    env: 'SEED',
    doc: 'Seed of the demo inventory generator.',
    default: '42',
    parse: integer(0, 2 ** 31 - 1),
  },
  offerTtlSeconds: {
    env: 'OFFER_TTL_SECONDS',
    doc: 'How long an offer id stays bookable after the search that made it.',
    default: '1800',
    parse: integer(10, 86400),
  },
  offerSigningSecret: {
    env: 'OFFER_SIGNING_SECRET',
    secret: true,
    doc: 'HMAC secret signing offer ids and cursors; generated and stored in the store when empty.',
    default: '',
    parse: optionalSecret,
  },
  searchSnapshotTtlSeconds: {
    env: 'SEARCH_SNAPSHOT_TTL_SECONDS',
    doc: 'How long the result snapshot behind a search (its pages) is kept.',
    default: '900',
    parse: integer(10, 86400),
  },
  maxSearchResults: {
    env: 'MAX_SEARCH_RESULTS',
    doc: 'Offers kept per search snapshot.',
    default: '250',
    parse: integer(10, 5000),
  },
  cacheWarmMinRequests: {
    env: 'CACHE_WARM_MIN_REQUESTS',
    doc: 'Requests within a minute that make a search popular: popular searches are refreshed before they expire and recomputed in the background after an inventory change invalidates them; 0 turns this off.',
    default: '3',
    parse: integer(0, 1_000_000),
  },
  prewarmSearches: {
    env: 'PREWARM_SEARCHES',
    doc: 'Most popular searches remembered in the store (every minute and at stop) and run again in the background after a start, most popular first, taking up to about half of a busy search pool; 0 turns prewarming off.',
    default: '2000',
    parse: integer(0, 10_000),
  },
  prewarmRoutes: {
    env: 'PREWARM_ROUTES',
    doc: 'Route-dates known to be popular, comma-separated: ORIGIN-DESTINATION (IATA codes) for each of the next PREWARM_ROUTE_DAYS days, or ORIGIN-DESTINATION:YYYY-MM-DD for one date (e.g. LHR-JFK,CDG-NCE:2026-12-24). Their one-way searches with default options run in the background after a start, nearest dates first, after the remembered popular searches; past dates are skipped; empty: none.',
    default: '',
    parse: prewarmRoutes,
  },
  prewarmRouteDays: {
    env: 'PREWARM_ROUTE_DAYS',
    doc: 'Departure days, from today (UTC), prewarmed for each PREWARM_ROUTES entry without a date.',
    default: '7',
    parse: integer(1, 365),
  },
  workers: {
    env: 'WORKERS',
    doc: '`serve` worker processes sharing the port (node:cluster); 0 starts one per CPU core. Without a Redis bus, workers pass events to each other through the primary.',
    default: '0',
    parse: integer(0, 256),
  },
  searchThreads: {
    env: 'SEARCH_THREADS',
    doc: "Worker threads running origin searches (cache misses) off the event loop, each with its own read-only SQLite connection (STORE=sqlite only: other backends search on the event loop); 0 runs them on the event loop. `auto`: the machine's cores shared among `serve`'s worker processes, less one for each process's event loop, at least one (2 cores: 1; 8 cores and one process, as a large index requires: 7; one worker per core: 1 each).",
    default: 'auto',
    parse: autoOr(integer(0, 64)),
  },
  searchIndex: {
    env: 'SEARCH_INDEX',
    doc: 'Where flight searches read the timetable: memory (a flat in-memory index of every flight, built from the store at start and kept current by events; searched in place by the search threads, one copy per process), days (only the days searches ask for, each read from the store in the background the first time and kept up to SEARCH_INDEX_WINDOW_DAYS days for SEARCH_INDEX_MAX_AGE_SECONDS: what Lambda sandboxes run, since they hear no events and cannot pay a whole build at cold start) or store (each search reads the store). While the index builds, searches read the store.',
    default: 'memory',
    parse: oneOf('memory', 'days', 'store'),
  },
  searchIndexWindowDays: {
    env: 'SEARCH_INDEX_WINDOW_DAYS',
    doc: 'SEARCH_INDEX=days: most days of departures held at once (the least recently searched go first); a search spanning more reads the rest from the store.',
    default: '8',
    parse: integer(1, 60),
  },
  searchIndexMaxAgeSeconds: {
    env: 'SEARCH_INDEX_MAX_AGE_SECONDS',
    doc: 'SEARCH_INDEX=days: how long a window of days serves before it is read again; it bounds how long a flight added by a schedule import can be missed (fares, seats and removed flights are checked against the store on every answer).',
    default: '300',
    parse: integer(1, 86_400),
  },
  searchIndexSharedMaxMb: {
    env: 'SEARCH_INDEX_SHARED_MAX_MB',
    doc: "Largest timetable index (MB of memory, as its snapshot or the store's flight count gives it at start) `serve` runs in more than one worker process. Threads of a process share one copy of the index; processes cannot, so each worker would hold its own. Above this size one process serves, its SEARCH_THREADS sharing one copy: WORKERS=0 then starts one worker, and WORKERS above 1 is refused at start.",
    default: '512',
    parse: integer(1, 1_000_000),
  },
  searchIndexDays: {
    env: 'SEARCH_INDEX_DAYS',
    doc: 'Days of departures, from yesterday (UTC), the in-memory timetable index holds; searches for later days read the store.',
    default: '368',
    parse: integer(1, 800),
  },
  searchIndexSnapshot: {
    env: 'SEARCH_INDEX_SNAPSHOT',
    doc: 'File the in-memory timetable index is saved to after each build and loaded from at start, so a restarted server searches its index within seconds while the full read from the store runs in the background; auto: next to the SQLite file (STORE=sqlite), none for other stores; off: never.',
    default: 'auto',
    parse: text,
  },
  searchThreadNiceness: {
    env: 'SEARCH_THREAD_NICENESS',
    doc: 'Scheduling niceness of the search threads (Linux; 0 to 19): above 0 the event loop serving cached answers gets the CPU first when cores are short, so misses never delay hits; 0 shares it evenly (misses then finish sooner on a machine busy with other work).',
    default: '10',
    parse: integer(0, 19),
  },
  requestTimeoutMs: {
    env: 'REQUEST_TIMEOUT_MS',
    doc: 'Requests taking longer are answered 503.',
    default: '10000',
    parse: integer(100, 120000),
  },
  cacheBackend: {
    env: 'CACHE',
    doc: 'Search cache: memory (in-process LRU), redis (in-process L1 + Redis L2, shared by instances) or none.',
    default: 'memory',
    parse: oneOf('memory', 'redis', 'none'),
  },
  redisUrl: {
    env: 'REDIS_URL',
    doc: 'Redis server of the redis cache.',
    default: 'redis://127.0.0.1:6379',
    parse: redisUrl,
  },
  redisAuthSecretArn: {
    env: 'REDIS_AUTH_SECRET_ARN',
    doc: 'Lambda entry points: ARN of a Secrets Manager secret holding the Redis AUTH token, read once per cold start and added to REDIS_URL (empty: REDIS_URL is used as given).',
    default: '',
    parse: text,
  },
  cacheLocalTier: {
    env: 'CACHE_LOCAL_TIER',
    doc: 'With CACHE=redis: on keeps copies in process, kept fresh by the Redis bus; off reads Redis every time, for processes frozen between requests (Lambda) that cannot hear invalidations meanwhile.',
    default: 'on',
    parse: oneOf('on', 'off'),
  },
  cacheMaxEntries: {
    env: 'CACHE_MAX_ENTRIES',
    doc: 'Most entries the in-process cache tier keeps (least recently used go first).',
    default: '100000',
    parse: integer(1, 10_000_000),
  },
  cacheMaxBytes: {
    env: 'CACHE_MAX_BYTES',
    doc: 'Most bytes the in-process cache tier keeps, per process, as estimated on the V8 heap (least recently used go first); 0 gives it 40% of the heap limit (--max-old-space-size), so the cache alone never brings a process to MAX_HEAP_USED_BYTES.',
    default: '0',
    parse: zeroOr(integer(1024, 2 ** 40)),
  },
  cacheKeyPrefix: {
    env: 'CACHE_KEY_PREFIX',
    doc: 'Prefix of cache keys in Redis; instances sharing it share cached entries and invalidations.',
    default: 'travel-platform',
    parse: nonEmpty,
  },
  cacheTtlLocationsSeconds: {
    env: 'CACHE_TTL_LOCATIONS_SECONDS',
    doc: 'How long a location lookup stays fresh in the cache.',
    default: '21600',
    parse: integer(1, 604800),
  },
  cacheTtlFlightSearchSeconds: {
    env: 'CACHE_TTL_FLIGHT_SEARCH_SECONDS',
    doc: 'How long a flight search result stays fresh in the cache.',
    default: '300',
    parse: integer(1, 86400),
  },
  cacheTtlHotelSearchSeconds: {
    env: 'CACHE_TTL_HOTEL_SEARCH_SECONDS',
    doc: 'How long a hotel search result stays fresh in the cache.',
    default: '600',
    parse: integer(1, 86400),
  },
  cacheGraceSeconds: {
    env: 'CACHE_GRACE_SECONDS',
    doc: 'How long past its freshness a cached result may still be served as STALE when the origin fails (0: never).',
    default: '900',
    parse: integer(0, 86400),
  },
  gateway: {
    env: 'GATEWAY',
    doc: 'on: /v1 routes need an API key and are rate-limited and metered. off: none of that (security headers and load shedding stay) — only for benchmarks and trusted internal deployments behind a gateway of their own.',
    default: 'on',
    parse: oneOf('on', 'off'),
  },
  searchFront: {
    env: 'SEARCH_FRONT',
    doc: 'on: a cached search asked again is answered before the framework, from its prepared bytes, when its key and plan can be checked in process (RATE_LIMITER=memory) and tracing is off; off: every request takes the full route (for comparison).',
    default: 'on',
    parse: oneOf('on', 'off'),
  },
  rateLimiter: {
    env: 'RATE_LIMITER',
    doc: 'Where per-key token buckets and daily quotas live: in this process, or in Redis shared by every process.',
    default: 'memory',
    parse: oneOf('memory', 'redis'),
  },
  authFailureLimit: {
    env: 'AUTH_FAILURE_LIMIT',
    doc: 'Failed credential attempts (wrong API key, client secret or bearer token, dashboard sign-in) one client address (IPv6: its /64) may make per AUTH_FAILURE_WINDOW_SECONDS; after that its requests presenting credentials are answered 429 with retry-after until the window ends. Counted where RATE_LIMITER says, so Redis shares it across processes.',
    default: '20',
    parse: integer(1, 1_000_000),
  },
  authFailureWindowSeconds: {
    env: 'AUTH_FAILURE_WINDOW_SECONDS',
    doc: "Length (s) of a client address's failed-credential window, from its first failure.",
    default: '60',
    parse: integer(1, 86_400),
  },
  apiKeyStaleSeconds: {
    env: 'API_KEY_STALE_SECONDS',
    doc: 'While the store cannot be reached, an API key read from it within this many seconds is still accepted (as it was then: a revoked key stays refused), so answers that need no store, such as cached searches, go on; keys not read before the outage are answered 503. 0: every request needing a key is answered 503 during an outage.',
    default: '300',
    parse: integer(0, 86_400),
  },
  adminApiKey: {
    env: 'ADMIN_API_KEY',
    secret: true,
    doc: 'Admin credential for /v1/admin/*; when empty, a development admin key and client key are generated on first start and printed once.',
    default: '',
    parse: optionalSecret,
  },
  adminApiKeySecretArn: {
    env: 'ADMIN_API_KEY_SECRET_ARN',
    doc: 'Lambda entry points: ARN of a Secrets Manager secret holding ADMIN_API_KEY, read once per cold start (empty: ADMIN_API_KEY is used as given).',
    default: '',
    parse: text,
  },
  defaultPlan: {
    env: 'DEFAULT_PLAN',
    doc: 'Usage plan of API keys issued without one.',
    default: 'free',
    parse: oneOf('free', 'standard', 'partner'),
  },
  jwtJwksUrl: {
    env: 'JWT_JWKS_URL',
    doc: 'JWKS URL verifying booking bearer tokens; when empty, the built-in development issuer signs and verifies them.',
    default: '',
    parse: optionalUrl,
  },
  jwtIssuer: {
    env: 'JWT_ISSUER',
    doc: "Required `iss` of bearer tokens (and the development issuer's own).",
    default: 'travel-platform-local',
    parse: nonEmpty,
  },
  jwtAudience: {
    env: 'JWT_AUDIENCE',
    doc: 'Required `aud` of bearer tokens.',
    default: 'travel-platform',
    parse: nonEmpty,
  },
  jwtClockSkewSeconds: {
    env: 'JWT_CLOCK_SKEW_SECONDS',
    doc: 'Tolerated clock difference (s) when checking token expiry.',
    default: '30',
    parse: integer(0, 300),
  },
  maxEventLoopDelayMs: {
    env: 'MAX_EVENT_LOOP_DELAY_MS',
    doc: 'Event-loop delay above which requests are answered 503 with retry-after (0 disables).',
    default: '1000',
    parse: integer(0, 60000),
  },
  maxHeapUsedBytes: {
    env: 'MAX_HEAP_USED_BYTES',
    doc: 'Live V8 heap (measured after a full garbage collection) above which requests are answered 503 with retry-after while the cache gives memory back: bytes, or a percentage of the heap limit (--max-old-space-size); 0 disables.',
    default: '90%',
    parse: bytesOrHeapShare,
  },
  corsOrigins: {
    env: 'CORS_ORIGINS',
    doc: 'Browser origins allowed by CORS: empty for none, * for any, or a comma-separated list.',
    default: '',
    parse: corsOrigins,
  },
  bodyLimitBytes: {
    env: 'BODY_LIMIT_BYTES',
    doc: 'Largest accepted request body; larger ones are answered 413.',
    default: '1048576',
    parse: integer(1024, 100 * 1024 * 1024),
  },
  importMaxBytes: {
    env: 'IMPORT_MAX_BYTES',
    doc: 'Largest body POST /v1/admin/imports accepts (streamed, never held in memory); a larger one fails the import with nothing applied. The CLI import has no limit.',
    default: '2147483648',
    parse: integer(1024, 1024 * 1024 * 1024 * 1024),
  },
  eventBus: {
    env: 'EVENT_BUS',
    doc: 'Event bus backend: in-process (one machine), redis (Redis Streams, several instances) or eventbridge (Amazon EventBridge, the AWS stack: publish only, rules deliver to the Lambda consumers).',
    default: 'in-process',
    parse: oneOf('in-process', 'redis', 'eventbridge'),
  },
  eventBusName: {
    env: 'EVENT_BUS_NAME',
    doc: 'Name or ARN of the EventBridge bus events are published to (eventbridge bus; region and credentials come from the AWS environment).',
    default: 'travel-platform',
    parse: nonEmpty,
  },
  eventStreamKey: {
    env: 'EVENT_STREAM_KEY',
    doc: 'Redis key of the event stream; instances sharing it share events.',
    default: 'travel-platform:events',
    parse: nonEmpty,
  },
  eventClaimIdleMs: {
    env: 'EVENT_CLAIM_IDLE_MS',
    doc: 'An event unacknowledged this long (ms) is taken over by another consumer of its group (redis bus).',
    default: '30000',
    parse: integer(100, 3_600_000),
  },
  eventMaxAttempts: {
    env: 'EVENT_MAX_ATTEMPTS',
    doc: 'Attempts a consumer makes at one event before parking it in the dead-letter store.',
    default: '5',
    parse: integer(1, 100),
  },
  eventRetryBaseMs: {
    env: 'EVENT_RETRY_BASE_MS',
    doc: 'First retry delay (ms) of a failing consumer; doubles each attempt, with jitter.',
    default: '200',
    parse: integer(1, 600_000),
  },
  outboxPollMs: {
    env: 'OUTBOX_POLL_MS',
    doc: 'How often (ms) the relay looks for outbox events written by other processes.',
    default: '250',
    parse: integer(10, 60_000),
  },
  idempotencyKeyTtlHours: {
    env: 'IDEMPOTENCY_KEY_TTL_HOURS',
    doc: 'How long a booking Idempotency-Key is remembered (same key + same body replays the booking).',
    default: '24',
    parse: integer(24, 24 * 30),
  },
  idempotencyLeaseSeconds: {
    env: 'IDEMPOTENCY_LEASE_SECONDS',
    doc: "How long a booking's Idempotency-Key stays held while its request runs. If its server dies mid-booking, retries answer 409 idempotency-key-in-use with retry-after until the lease ends. Must exceed the longest a booking can take (supplier confirmation and order, store statements): a shorter lease lets a retry book while the first attempt still runs, which the store then refuses. 0: the larger of 60 s and 3 × REQUEST_TIMEOUT_MS.",
    default: '0',
    parse: integer(0, 3600),
  },
  cacheInvalidation: {
    env: 'CACHE_INVALIDATION',
    doc: 'How cached searches learn of inventory changes: events (each change invalidates exactly the searches it affects) or ttl-only (entries live out their TTL, as API Gateway caching does; for comparison in benchmarks).',
    default: 'events',
    parse: oneOf('events', 'ttl-only'),
  },
  instanceId: {
    env: 'INSTANCE_ID',
    doc: 'Name of this instance in event consumer groups (each instance invalidates its own cache); empty: host name and process id. Set a stable one per instance so a restart resumes its group.',
    default: '',
    parse: instanceName,
  },
  analytics: {
    env: 'ANALYTICS',
    doc: 'on: requests and events are aggregated into per-minute rollups in the store (/v1/analytics, /dashboard). off: none of that.',
    default: 'on',
    parse: oneOf('on', 'off'),
  },
  analyticsFlushMs: {
    env: 'ANALYTICS_FLUSH_MS',
    doc: 'How often (ms) each instance writes its analytics rollups and publishes its batched search.performed and offer.priced events.',
    default: '10000',
    parse: integer(100, 300_000),
  },
  lambdaFlushIntervalMs: {
    env: 'LAMBDA_FLUSH_INTERVAL_MS',
    doc: 'Lambda only: how often (ms) an invocation also writes the usage counts and analytics rollups its sandbox buffered, before returning (a frozen sandbox runs no timers); 0 writes them on every invocation. What a reclaimed sandbox buffered since its last write is lost, as a crashed server loses one flush interval.',
    default: '10000',
    parse: integer(0, 300_000),
  },
  analyticsMinuteRetentionHours: {
    env: 'ANALYTICS_MINUTE_RETENTION_HOURS',
    doc: 'Per-minute analytics older than this are compacted into hourly rollups.',
    default: '48',
    parse: integer(1, 24 * 30),
  },
  analyticsRetentionDays: {
    env: 'ANALYTICS_RETENTION_DAYS',
    doc: 'Analytics older than this are deleted.',
    default: '90',
    parse: integer(1, 3650),
  },
  analyticsKeyStreamSize: {
    env: 'ANALYTICS_KEY_STREAM_SIZE',
    doc: 'Cache accesses each instance keeps (a ring) for the cache-efficiency advice replay (0: no advice).',
    default: '10000',
    parse: integer(0, 1_000_000),
  },
  costTarget: {
    env: 'COST_TARGET',
    doc: 'Which deployment the live cost per request prices: aws (API Gateway, Lambda, DynamoDB, ElastiCache, …) or self-hosted (machines).',
    default: 'aws',
    parse: oneOf('aws', 'self-hosted'),
  },
  costLambdaMemoryMb: {
    env: 'COST_LAMBDA_MEMORY_MB',
    doc: 'Memory of the API Lambda function the AWS cost model prices, MB.',
    default: '1024',
    parse: integer(128, 10240),
  },
  costMachineHourUsd: {
    env: 'COST_MACHINE_HOUR_USD',
    doc: 'Price of one self-hosted machine per hour, USD.',
    default: '0.0416',
    parse: decimal(0, 1000),
  },
  costMachines: {
    env: 'COST_MACHINES',
    doc: 'Machines a self-hosted deployment runs on.',
    default: '1',
    parse: integer(1, 10_000),
  },
  costMonthlyBudgetUsd: {
    env: 'COST_MONTHLY_BUDGET_USD',
    doc: 'Monthly budget, USD: crossing 80% and 100% of it emits budget.threshold-crossed and shows on the dashboard (0: no budget).',
    default: '0',
    parse: decimal(0, 100_000_000),
  },
  dashboardSessionSecrets: {
    env: 'DASHBOARD_SESSION_SECRETS',
    secret: true,
    doc: "Comma-separated HMAC secrets (32+ characters each) signing /dashboard session cookies: the first signs, every one verifies, so a new one is put first and the old dropped 12 h later (a session's life); empty: derived from the offer signing secret, which every process sharing the store has.",
    default: '',
    parse: secretList,
  },
  dashboardLive: {
    env: 'DASHBOARD_LIVE',
    doc: 'How the dashboard page gets its snapshots: stream (one held Server-Sent Events connection, /dashboard/events) or poll (a request to /dashboard/snapshot every 5 s, for hosts that cannot hold a response open: the Lambda entry point sets poll, as API Gateway buffers answers and ends them at 29 s).',
    default: 'stream',
    parse: oneOf('stream', 'poll'),
  },
  dashboardMaxStreams: {
    env: 'DASHBOARD_MAX_STREAMS',
    doc: 'Live dashboard streams (/dashboard/events) one process keeps open; more are answered 503 with retry-after. Every stream of a process shares one snapshot computation per tick.',
    default: '1000',
    parse: integer(1, 100_000),
  },
  otelExporterEndpoint: {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    doc: 'OTLP/HTTP collector receiving OpenTelemetry traces (spans for HTTP, cache, store and event calls); empty: tracing off and its SDK never loaded.',
    default: '',
    parse: optionalUrl,
  },
  otelServiceName: {
    env: 'OTEL_SERVICE_NAME',
    doc: 'service.name of the traces.',
    default: 'travel-platform',
    parse: nonEmpty,
  },
  metricsToken: {
    env: 'METRICS_TOKEN',
    secret: true,
    doc: 'Bearer token Prometheus sends to scrape /metrics (`authorization` in its scrape config), from any address; empty: /metrics answers scrapers on this machine only (loopback, not through a proxy).',
    default: '',
    parse: metricsToken,
  },
  suppliers: {
    env: 'SUPPLIERS',
    doc: 'Where flight offers come from, searched together and merged: inventory (the own store), duffel (Duffel API), http (the JSON contract of docs/suppliers.md).',
    default: 'inventory',
    parse: supplierList,
  },
  duffelUrl: {
    env: 'DUFFEL_URL',
    doc: 'Base URL of the Duffel API (duffel supplier).',
    default: 'https://api.duffel.com',
    parse: optionalUrl,
  },
  duffelToken: {
    env: 'DUFFEL_TOKEN',
    secret: true,
    doc: 'Duffel access token (required when SUPPLIERS includes duffel).',
    default: '',
    parse: text,
  },
  duffelTokenSecretArn: {
    env: 'DUFFEL_TOKEN_SECRET_ARN',
    doc: 'Lambda entry points: ARN of a Secrets Manager secret holding DUFFEL_TOKEN, read once per cold start (empty: DUFFEL_TOKEN is used as given).',
    default: '',
    parse: text,
  },
  duffelVersion: {
    env: 'DUFFEL_VERSION',
    doc: 'Duffel-Version header sent with every Duffel call.',
    default: 'v2',
    parse: nonEmpty,
  },
  supplierHttpUrl: {
    env: 'SUPPLIER_HTTP_URL',
    doc: 'Base URL of the http supplier (required when SUPPLIERS includes http).',
    default: '',
    parse: optionalUrl,
  },
  supplierHttpToken: {
    env: 'SUPPLIER_HTTP_TOKEN',
    secret: true,
    doc: 'Bearer token sent to the http supplier (empty: none).',
    default: '',
    parse: text,
  },
  supplierDeadlineMs: {
    env: 'SUPPLIER_DEADLINE_MS',
    doc: 'How long a search waits for remote suppliers; later ones are reported as timeout and the result is partial.',
    default: '3000',
    parse: integer(50, 60_000),
  },
  supplierTimeoutMs: {
    env: 'SUPPLIER_TIMEOUT_MS',
    doc: 'Circuit-breaker timeout of one supplier call (a slower call fails and counts against the supplier).',
    default: '5000',
    parse: integer(50, 120_000),
  },
  supplierErrorThresholdPercent: {
    env: 'SUPPLIER_ERROR_THRESHOLD_PERCENT',
    doc: "Share of failed calls in the breaker's rolling window (10 s) that opens a supplier's circuit.",
    default: '50',
    parse: integer(1, 100),
  },
  supplierVolumeThreshold: {
    env: 'SUPPLIER_VOLUME_THRESHOLD',
    doc: 'Calls in the rolling window before the error share can open the circuit.',
    default: '5',
    parse: integer(1, 10_000),
  },
  supplierOpenMs: {
    env: 'SUPPLIER_OPEN_MS',
    doc: 'How long an open circuit refuses calls before one half-open probe is let through.',
    default: '30000',
    parse: integer(100, 3_600_000),
  },
  supplierRetries: {
    env: 'SUPPLIER_RETRIES',
    doc: 'Extra attempts of idempotent supplier calls (search, price confirmation, order cancellation), with jittered backoff; orders are never retried.',
    default: '1',
    parse: integer(0, 5),
  },
  supplierRetryBaseMs: {
    env: 'SUPPLIER_RETRY_BASE_MS',
    doc: 'Upper bound of the first retry delay (ms); doubles each retry, the actual wait is random below it.',
    default: '100',
    parse: integer(1, 60_000),
  },
  webhooks: {
    env: 'WEBHOOKS',
    doc: 'Deliver booking events to the webhook endpoints API keys register (docs/webhooks.md); off stops delivery (endpoints can still be managed, deliveries wait).',
    default: 'on',
    parse: oneOf('on', 'off'),
  },
  webhookTimeoutMs: {
    env: 'WEBHOOK_TIMEOUT_MS',
    doc: 'Deadline (ms) of one webhook attempt: only a 2xx answered within it counts as delivered.',
    default: '10000',
    parse: integer(100, 60_000),
  },
  webhookMaxAttempts: {
    env: 'WEBHOOK_MAX_ATTEMPTS',
    doc: 'Attempts of one webhook delivery before it is parked as a dead letter; with the default backoff the last is about 2.7 days after the first.',
    default: '15',
    parse: integer(1, 50),
  },
  webhookRetryBaseMs: {
    env: 'WEBHOOK_RETRY_BASE_MS',
    doc: 'Delay (ms) before the first webhook retry; doubles each attempt up to WEBHOOK_RETRY_MAX_MS, with jitter (at least half of it).',
    default: '60000',
    parse: integer(1, 86_400_000),
  },
  webhookRetryMaxMs: {
    env: 'WEBHOOK_RETRY_MAX_MS',
    doc: 'Longest delay (ms) between two webhook attempts.',
    default: '43200000',
    parse: integer(1, 7 * 86_400_000),
  },
  webhookDisableAfterFailures: {
    env: 'WEBHOOK_DISABLE_AFTER_FAILURES',
    doc: 'Deliveries given up on in a row (each after WEBHOOK_MAX_ATTEMPTS) after which an endpoint is disabled, with the reason shown on it; a delivered one ends the run.',
    default: '5',
    parse: integer(1, 10_000),
  },
  webhookSecretOverlapSeconds: {
    env: 'WEBHOOK_SECRET_OVERLAP_SECONDS',
    doc: 'After a secret rotation, how long the previous secret keeps signing beside the new one.',
    default: '86400',
    parse: integer(0, 30 * 86_400),
  },
  webhookConcurrency: {
    env: 'WEBHOOK_CONCURRENCY',
    doc: 'Webhook attempts one process runs at once.',
    default: '16',
    parse: integer(1, 1_000),
  },
  webhookEndpointConcurrency: {
    env: 'WEBHOOK_ENDPOINT_CONCURRENCY',
    doc: 'Webhook attempts one process runs at once to one endpoint, so a slow receiver holds at most this share of WEBHOOK_CONCURRENCY.',
    default: '2',
    parse: integer(1, 100),
  },
  webhookPollMs: {
    env: 'WEBHOOK_POLL_MS',
    doc: 'How often (ms) the webhook queue is polled for retries that came due and deliveries other processes enqueued.',
    default: '1000',
    parse: integer(10, 60_000),
  },
  webhookRequireHttps: {
    env: 'WEBHOOK_REQUIRE_HTTPS',
    doc: 'Refuse http: webhook URLs; cannot be off with NODE_ENV=production.',
    default: 'on',
    parse: oneOf('on', 'off'),
  },
  webhookAllowLoopback: {
    env: 'WEBHOOK_ALLOW_LOOPBACK',
    doc: 'Let webhooks reach loopback addresses (tests, local development); refused with NODE_ENV=production. Private, link-local and metadata addresses are always refused.',
    default: 'off',
    parse: oneOf('on', 'off'),
  },
} satisfies Record<string, ConfigOption<unknown>>;

type Options = typeof options;
export type Config = { readonly [K in keyof Options]: ReturnType<Options[K]['parse']> };

/**
 * A rejected value as a problem line shows it: secrets by their length, URLs without their password
 * (a start-up error goes to logs that more people read than hold the credentials).
 */
function shownValue(option: ConfigOption<unknown>, raw: string): string {
  if (option.secret) return `(hidden, ${raw.length} characters)`;
  return JSON.stringify(raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/i, '$1***@'));
}

/** Parses `env` into a frozen Config, or throws ConfigError listing one line per bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(options) as [string, ConfigOption<unknown>][]) {
    const raw = env[option.env] ?? option.default;
    try {
      config[name] = option.parse(raw);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      problems.push(`${option.env}=${shownValue(option, raw)} is invalid: expected ${error.message}`);
    }
  }
  problems.push(...supplierProblems(config as Partial<Config>));
  if (
    typeof config.idempotencyLeaseSeconds === 'number' &&
    typeof config.requestTimeoutMs === 'number' &&
    config.idempotencyLeaseSeconds !== 0 &&
    config.idempotencyLeaseSeconds * 1000 <= config.requestTimeoutMs
  )
    problems.push(
      `IDEMPOTENCY_LEASE_SECONDS=${config.idempotencyLeaseSeconds} is invalid: expected more than REQUEST_TIMEOUT_MS (${config.requestTimeoutMs} ms), or a booking still running loses its key`,
    );
  if (config.cacheLocalTier === 'off' && config.cacheBackend !== 'redis')
    problems.push('CACHE_LOCAL_TIER=off needs CACHE=redis: the memory cache has no other tier');
  problems.push(...webhookProductionProblems(config as Partial<Config>, env.NODE_ENV));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as Config;
}

/** Webhook settings meant for tests and local development, refused in production. */
function webhookProductionProblems(config: Partial<Config>, nodeEnv: string | undefined): string[] {
  if (nodeEnv !== 'production') return [];
  const problems: string[] = [];
  if (config.webhookAllowLoopback === 'on')
    problems.push(
      'WEBHOOK_ALLOW_LOOPBACK=on is refused with NODE_ENV=production: it is for tests and local development',
    );
  if (config.webhookRequireHttps === 'off')
    problems.push(
      'WEBHOOK_REQUIRE_HTTPS=off is refused with NODE_ENV=production: webhooks carry booking data',
    );
  return problems;
}

/** Settings each enabled supplier cannot work without, one line per missing one. */
function supplierProblems(config: Partial<Config>): string[] {
  const problems: string[] = [];
  const enabled = config.suppliers ?? [];
  if (enabled.includes('duffel')) {
    if (!config.duffelToken) problems.push('DUFFEL_TOKEN is required when SUPPLIERS includes duffel');
    if (!config.duffelUrl) problems.push('DUFFEL_URL is required when SUPPLIERS includes duffel');
  }
  if (enabled.includes('http') && !config.supplierHttpUrl)
    problems.push('SUPPLIER_HTTP_URL is required when SUPPLIERS includes http');
  return problems;
}

/**
 * How long a booking holds its Idempotency-Key: IDEMPOTENCY_LEASE_SECONDS, or by default the larger
 * of 60 s and three request timeouts, so raising REQUEST_TIMEOUT_MS never leaves a running booking
 * without its key.
 */
export function idempotencyLeaseMs(
  config: Pick<Config, 'idempotencyLeaseSeconds' | 'requestTimeoutMs'>,
): number {
  return config.idempotencyLeaseSeconds === 0
    ? Math.max(60_000, config.requestTimeoutMs * 3)
    : config.idempotencyLeaseSeconds * 1000;
}
