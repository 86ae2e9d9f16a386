/**
 * The configuration of a Lambda sandbox: the environment with its secrets filled in (secrets.ts),
 * and the settings a Lambda host forces whatever the environment says, because the server's
 * behaviour would be wrong there.
 */
import { createStore } from '../adapters/store/create-store.js';
import { type Config, loadConfig } from '../config.js';
import type { StoreBackend } from '../ports/store-backend.js';
import { secretsManagerReader, withSecrets } from './secrets.js';

type Env = Record<string, string | undefined>;

/**
 * What a Lambda host always runs with, and why:
 * - MAX_EVENT_LOOP_DELAY_MS=0: a sandbox is frozen between invocations, and the time it spent frozen
 *   reads as event-loop delay on thaw, so delay shedding would answer healthy requests 503.
 * - DASHBOARD_LIVE=poll: API Gateway buffers a response until it ends and cuts it at 29 s, so a held
 *   Server-Sent Events stream would only ever end in a 504 (counted by the 5xx rollback alarm).
 * - SEARCH_INDEX=days unless store: a sandbox hears no events and a whole index read at cold start
 *   would cost every first request seconds, so it holds only the days searches ask for, read in the
 *   background (docs/aws-runtime.md, "The search index on Lambda").
 */
export const LAMBDA_SETTINGS = {
  MAX_EVENT_LOOP_DELAY_MS: '0',
  DASHBOARD_LIVE: 'poll',
} as const;

/** `env` with the Lambda host's settings over it. */
export function withLambdaSettings(env: Env): Env {
  return { ...env, ...LAMBDA_SETTINGS, SEARCH_INDEX: env.SEARCH_INDEX === 'store' ? 'store' : 'days' };
}

/** This sandbox's validated configuration, secrets read from Secrets Manager. */
export async function lambdaConfig(env: Env = process.env): Promise<Config> {
  return loadConfig(withLambdaSettings(await withSecrets(env, secretsManagerReader())));
}

/**
 * Whether a cold start brings the store's schema up to date: not with DYNAMODB_CREATE_TABLE=false
 * (what the stack sets), where the stack owns the table and a check on every cold start would only
 * cost a round trip. A missing table still shows, as a store error on the first request.
 */
export function migratesOnColdStart(config: Config): boolean {
  return !(config.storeBackend === 'dynamodb' && config.dynamodbCreateTable === 'false');
}

/** The configured store, its schema brought up to date only where a cold start should (above). */
export async function openLambdaStore(config: Config): Promise<StoreBackend> {
  const backend = await createStore(config);
  try {
    if (migratesOnColdStart(config)) await backend.migrate();
    return backend;
  } catch (error) {
    await backend.close();
    throw error;
  }
}
