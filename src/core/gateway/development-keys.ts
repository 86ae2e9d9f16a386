import type { ApiKeyService } from './api-key-service.js';

/** The keys generated for a fresh embedded installation, to be printed once. */
export interface DevelopmentKeys {
  adminKey: string;
  clientKey: string;
}

/**
 * On an installation with no admin credential configured and no admin key stored yet, issues
 * a development admin key and a client key and returns them (the only time their secrets
 * exist in clear); returns undefined when there is nothing to do.
 */
export async function ensureDevelopmentKeys(
  keys: ApiKeyService,
  adminApiKeyConfigured: boolean,
): Promise<DevelopmentKeys | undefined> {
  if (adminApiKeyConfigured) return undefined;
  const existing = await keys.list();
  if (existing.some((key) => key.role === 'admin' && key.revokedAt === undefined)) return undefined;
  const admin = await keys.issue({ name: 'development admin', role: 'admin', plan: 'partner' });
  const client = await keys.issue({ name: 'development client', role: 'client', plan: 'standard' });
  return { adminKey: admin.key, clientKey: client.key };
}

/** The lines a server prints once at first start so the operator can copy the keys. */
export function describeDevelopmentKeys(keys: DevelopmentKeys): string {
  return [
    'Generated development API keys (shown once; stored hashed, cannot be shown again):',
    `  admin key:  ${keys.adminKey}`,
    `  client key: ${keys.clientKey}`,
    'Set ADMIN_API_KEY in production; create more keys with `travel-platform keys create`.',
  ].join('\n');
}
