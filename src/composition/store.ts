import { randomBytes } from 'node:crypto';
import { createStore } from '../adapters/store/create-store.js';
import type { Config } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { InventoryStore } from '../ports/store.js';
import type { StoreBackend } from '../ports/store-backend.js';

const SIGNING_SECRET_SETTING = 'offer-signing-secret';

/** The configured store backend with its schema brought up to date; closed again when that fails. */
export async function openStore(config: Config, clock: Clock, migrate: boolean): Promise<StoreBackend> {
  const backend = await createStore(config, clock);
  try {
    if (migrate) await backend.migrate();
    return backend;
  } catch (error) {
    await backend.close();
    throw error;
  }
}

/**
 * The secret offers and tokens are signed with: OFFER_SIGNING_SECRET, or the one kept in the store,
 * so offer ids stay valid across restarts and processes.
 */
export async function signingSecret(config: Config, store: InventoryStore): Promise<string> {
  if (config.offerSigningSecret !== undefined) return config.offerSigningSecret;
  const known = await store.getSetting(SIGNING_SECRET_SETTING);
  if (known) return known;
  // Processes starting together on an empty store each propose a secret; the first one stored wins
  // for all of them, so offers one signs are accepted by the others.
  return store.setSettingIfAbsent(SIGNING_SECRET_SETTING, randomBytes(32).toString('base64url'));
}
