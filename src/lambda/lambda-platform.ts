/**
 * The platform of one Lambda sandbox: created on the first invocation and kept for the warm ones,
 * so connections, the in-process cache tier (L1) and the airport data survive between invocations.
 * Only the API function builds it; the other functions build their own few parts (relay-parts.ts,
 * invalidation-parts.ts, housekeeping-parts.ts).
 */
import { createPlatform, type Platform } from '../composition/platform.js';
import { lambdaConfig, migratesOnColdStart } from './lambda-config.js';
import { perSandbox } from './per-sandbox.js';

const platform = perSandbox(
  async (): Promise<Platform> => {
    const config = await lambdaConfig();
    // Without one, the gateway would issue development keys into the table, shown to no one.
    if (config.adminApiKey === undefined)
      throw new Error(
        'the API function needs ADMIN_API_KEY_SECRET_ARN (or ADMIN_API_KEY): on Lambda no development admin key is generated',
      );
    return createPlatform(config, { migrate: migratesOnColdStart(config) });
  },
  (built) => built.close(),
);

/** This sandbox's platform; a failed start is forgotten, so the next invocation tries again. */
export const lambdaPlatform = platform.get;

/** Closes this sandbox's platform (tests; Lambda itself just freezes and later drops the sandbox). */
export const closeLambdaPlatform = platform.close;
