/**
 * Environment → one typed, validated, frozen configuration. Each option keeps its env name,
 * default and doc side by side; the README's configuration table is generated from `options`.
 */

export interface ConfigOption<T> {
  env: string;
  doc: string;
  /** Default as it would be written in the environment. */
  default: string;
  parse: (raw: string) => T;
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

const nonEmpty = (raw: string): string => {
  if (raw.trim() === '') throw new InvalidValue('a non-empty string');
  return raw;
};

const redisUrl = (raw: string): string => {
  if (!/^rediss?:\/\/\S+$/.test(raw)) throw new InvalidValue('a redis:// or rediss:// URL');
  return raw;
};

const optionalSecret = (raw: string): string | undefined => {
  if (raw === '') return undefined;
  if (raw.length < 32) throw new InvalidValue('at least 32 characters (or empty to generate one)');
  return raw;
};

export const options = {
  host: { env: 'HOST', doc: 'Interface the HTTP server listens on.', default: '0.0.0.0', parse: nonEmpty },
  port: {
    env: 'PORT',
    doc: 'TCP port of the HTTP server (0 picks a free one).',
    default: '3000',
    parse: integer(0, 65535),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    doc: 'pino log level.',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  storeBackend: { env: 'STORE', doc: 'Inventory store backend.', default: 'sqlite', parse: oneOf('sqlite') },
  sqliteFile: {
    env: 'SQLITE_FILE',
    doc: 'SQLite database file (created if missing).',
    default: './data/travel-platform.db',
    parse: nonEmpty,
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
    default: '500',
    parse: integer(10, 5000),
  },
  requestTimeoutMs: {
    env: 'REQUEST_TIMEOUT_MS',
    doc: 'Requests taking longer are answered 503.',
    default: '10000',
    parse: integer(100, 120000),
  },
  eventBus: {
    env: 'EVENT_BUS',
    doc: 'Event bus backend: in-process (one machine) or redis (Redis Streams, several instances).',
    default: 'in-process',
    parse: oneOf('in-process', 'redis'),
  },
  redisUrl: {
    env: 'REDIS_URL',
    doc: 'Redis server used by the redis backends.',
    default: 'redis://127.0.0.1:6379',
    parse: redisUrl,
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
  environmentName: { env: 'NODE_ENV', doc: 'Runtime environment name.', default: 'development', parse: text },
} satisfies Record<string, ConfigOption<unknown>>;

type Options = typeof options;
export type Config = { readonly [K in keyof Options]: ReturnType<Options[K]['parse']> };

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
      problems.push(`${option.env}=${JSON.stringify(raw)} is invalid: expected ${error.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as Config;
}
