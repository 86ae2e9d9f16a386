/**
 * Secrets the Lambda functions read once per cold start from Secrets Manager (through the VPC's
 * interface endpoint), so no secret value sits in a function's configuration.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { options } from '../config.js';

type Env = Record<string, string | undefined>;

/** Reads a secret's string value. */
export type SecretReader = (arn: string) => Promise<string>;

/** Reads secrets with the SDK's default region and credentials (the function's role). */
export function secretsManagerReader(client = new SecretsManagerClient({})): SecretReader {
  return async (arn) => {
    const result = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (result.SecretString === undefined) throw new Error(`secret ${arn} has no string value`);
    return result.SecretString;
  };
}

/**
 * The environment with the secrets named by ARN filled in: REDIS_AUTH_SECRET_ARN becomes the
 * password of REDIS_URL (ElastiCache AUTH), ADMIN_API_KEY_SECRET_ARN becomes ADMIN_API_KEY,
 * DUFFEL_TOKEN_SECRET_ARN becomes DUFFEL_TOKEN.
 */
export async function withSecrets(env: Env, read: SecretReader): Promise<Env> {
  const resolved: Env = { ...env };
  // The names come from the configuration table, which documents them; their values are needed
  // here, before the configuration is parsed, since they change REDIS_URL, ADMIN_API_KEY and DUFFEL_TOKEN.
  const redisSecret = env[options.redisAuthSecretArn.env];
  if (redisSecret) {
    const url = new URL(env.REDIS_URL ?? 'rediss://127.0.0.1:6379');
    url.password = encodeURIComponent(await read(redisSecret));
    resolved.REDIS_URL = url.toString();
  }
  const adminSecret = env[options.adminApiKeySecretArn.env];
  if (adminSecret) resolved.ADMIN_API_KEY = await read(adminSecret);
  const duffelSecret = env[options.duffelTokenSecretArn.env];
  if (duffelSecret) resolved.DUFFEL_TOKEN = await read(duffelSecret);
  return resolved;
}
