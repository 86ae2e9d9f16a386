/**
 * The platform of one Lambda sandbox: created on the first invocation and kept for the warm ones,
 * so connections, the in-process cache tier (L1) and the airport data survive between invocations.
 */
import { loadConfig } from '../config.js';
import { createPlatform, type Platform } from '../platform.js';
import { secretsManagerReader, withSecrets } from './secrets.js';

let current: Promise<Platform> | undefined;

/** This sandbox's platform; a failed start is forgotten, so the next invocation tries again. */
export function lambdaPlatform(): Promise<Platform> {
  current ??= (async () => {
    const env = await withSecrets(process.env, secretsManagerReader());
    const config = loadConfig(env);
    // With DYNAMODB_CREATE_TABLE=false (what the stack sets) the stack owns the table: no check of it
    // on every cold start. A missing table still shows, as a store error on the first request.
    const stackOwnsTable = config.storeBackend === 'dynamodb' && config.dynamodbCreateTable === 'false';
    return createPlatform(config, { migrate: !stackOwnsTable });
  })().catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

/** Closes this sandbox's platform (tests; Lambda itself just freezes and later drops the sandbox). */
export async function closeLambdaPlatform(): Promise<void> {
  const platform = current;
  current = undefined;
  await (await platform?.catch(() => undefined))?.close();
}
