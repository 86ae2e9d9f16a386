/**
 * What the API function verifies bearer tokens against and which outside services it calls, from
 * `-c` context, and whether the network lets it reach them. The functions run in a VPC without NAT by
 * default, so a setting that needs the internet would only show on AWS as every booking failing
 * after the JWKS timeout (or every Duffel search and trace export timing out): synthesis refuses it
 * instead, naming the setting, unless `-c natGateways=N` gives the functions a way out.
 */
import { isIP } from 'node:net';
import { loadConfig } from '../../src/config.js';

export interface IdentityAndEgress {
  /** JWKS URL of the identity provider verifying booking bearer tokens; absent: the built-in issuer. */
  jwksUrl?: string;
  /** Required `iss` of bearer tokens (JWT_ISSUER). */
  jwtIssuer?: string;
  /** Required `aud` of bearer tokens (JWT_AUDIENCE). */
  jwtAudience?: string;
  /** Where flight offers come from (SUPPLIERS); absent: the own inventory only. */
  suppliers?: string;
  /** Secrets Manager secret holding the Duffel access token (required with the duffel supplier). */
  duffelTokenSecretArn?: string;
  /** Base URL of the http supplier (SUPPLIER_HTTP_URL; required with the http supplier). */
  supplierHttpUrl?: string;
  /** OTLP/HTTP collector for traces (OTEL_EXPORTER_OTLP_ENDPOINT); absent: OTLP export off. */
  otlpEndpoint?: string;
  /** NAT gateways giving the functions internet egress (0, the default: none, VPC endpoints only). */
  natGateways?: number;
}

/** The environment variable each context key sets, so an error names both. */
const ENV_OF_CONTEXT = {
  jwksUrl: 'JWT_JWKS_URL',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  suppliers: 'SUPPLIERS',
  duffelTokenSecretArn: 'DUFFEL_TOKEN_SECRET_ARN',
  supplierHttpUrl: 'SUPPLIER_HTTP_URL',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
} as const satisfies Record<Exclude<keyof IdentityAndEgress, 'natGateways'>, string>;

/** The API function's environment for these settings. */
export function identityEnvironment(settings: IdentityAndEgress): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_OF_CONTEXT)) {
    const value = settings[key as keyof typeof ENV_OF_CONTEXT];
    if (value) env[name] = value;
  }
  return env;
}

/**
 * Checks the settings with the application's own validation (src/config.ts), so synthesis rejects
 * what a cold start would, one line per bad value.
 */
export function validateIdentityAndEgress(settings: IdentityAndEgress): void {
  const env = identityEnvironment(settings);
  // The token itself is read from its secret at cold start; its presence is what is checked here.
  if (settings.duffelTokenSecretArn) env.DUFFEL_TOKEN = 'read-from-DUFFEL_TOKEN_SECRET_ARN';
  try {
    loadConfig(env);
  } catch (error) {
    let lines = error instanceof Error ? error.message : String(error);
    for (const [key, name] of Object.entries(ENV_OF_CONTEXT))
      lines = lines.replaceAll(`  ${name}=`, `  -c ${key}: ${name}=`);
    throw new Error(
      `TapStack identity and supplier settings are invalid:\n${lines}`.replace(
        'DUFFEL_TOKEN is required',
        '-c duffelTokenSecretArn is required',
      ),
    );
  }
  if (
    settings.natGateways !== undefined &&
    (!Number.isInteger(settings.natGateways) || settings.natGateways < 0 || settings.natGateways > 3)
  )
    throw new Error(`-c natGateways=${settings.natGateways} is invalid: expected 0 to 3`);
}

/** A host reachable without the internet: the sandbox itself (a collector extension) or a private address. */
function isInsideVpc(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '127.0.0.1' || host === '::1') return true;
  if (isIP(host) !== 4) return host.endsWith('.internal');
  const [a, b] = host.split('.').map(Number) as [number, number];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** Each setting that needs the internet, as `-c name=value (why)`; [] when none does. */
export function egressNeeds(settings: IdentityAndEgress): string[] {
  const needs: string[] = [];
  // Even a Cognito user pool's JWKS is fetched from its public endpoint: Cognito's PrivateLink
  // endpoint is not documented to serve /.well-known/jwks.json, so no VPC endpoint stands in.
  if (settings.jwksUrl) needs.push(`-c jwksUrl=${settings.jwksUrl} (the API function fetches the JWKS)`);
  const suppliers = (settings.suppliers ?? '').split(',').map((name) => name.trim());
  if (suppliers.includes('duffel'))
    needs.push('-c suppliers includes duffel (the API function calls api.duffel.com)');
  if (suppliers.includes('http') && settings.supplierHttpUrl && !isInsideVpc(settings.supplierHttpUrl))
    needs.push(`-c supplierHttpUrl=${settings.supplierHttpUrl} (the API function calls the supplier)`);
  if (settings.otlpEndpoint && !isInsideVpc(settings.otlpEndpoint))
    needs.push(`-c otlpEndpoint=${settings.otlpEndpoint} (the API function exports traces to it)`);
  return needs;
}

/** Throws, naming every setting, when a setting needs the internet and the stack provides no NAT. */
export function assertEgress(settings: IdentityAndEgress): void {
  const needs = egressNeeds(settings);
  if (needs.length === 0 || (settings.natGateways ?? 0) > 0) return;
  throw new Error(
    [
      'TapStack: these settings need internet egress, which this stack does not provide (its VPC has no NAT gateway):',
      ...needs.map((need) => `  ${need}`),
      'Deploy with -c natGateways=1 (one NAT gateway, about $33/month plus data; 2 or 3 for one per AZ), or drop the settings.',
    ].join('\n'),
  );
}

/** The port a URL's traffic leaves on (443 unless it names another). */
export function portOf(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443;
}

/** These settings from `-c key=value` context; `text` reads one as a string, undefined when unset. */
export function identityAndEgressFromContext(text: (key: string) => string | undefined): IdentityAndEgress {
  const settings: IdentityAndEgress = {};
  for (const key of Object.keys(ENV_OF_CONTEXT) as (keyof typeof ENV_OF_CONTEXT)[]) {
    const value = text(key);
    if (value !== undefined) settings[key] = value;
  }
  const nat = text('natGateways');
  if (nat !== undefined) {
    if (!/^[0-3]$/.test(nat)) throw new Error(`-c natGateways=${nat} is invalid: expected 0 to 3`);
    settings.natGateways = Number(nat);
  }
  return settings;
}
