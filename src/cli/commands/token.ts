import { parseArgs } from 'node:util';
import type { TokenIssuer } from '../../ports/token-verifier.js';

/** What `travel-platform token` needs from the composition root. */
export interface TokenCommandDeps {
  /** The local development issuer; undefined when tokens come from an external issuer. */
  issuer: TokenIssuer | undefined;
  out: (line: string) => void;
}

/** `travel-platform token --sub <user> [--ttl <seconds>]`: prints a development bearer token. Returns the exit code. */
export async function run(args: readonly string[], deps: TokenCommandDeps): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { sub: { type: 'string' }, ttl: { type: 'string', default: '3600' } },
    strict: true,
  });
  const ttl = Number(values.ttl);
  if (values.sub === undefined || values.sub === '') {
    deps.out('usage: travel-platform token --sub <user> [--ttl <seconds>]');
    return 2;
  }
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) {
    deps.out('--ttl must be whole seconds from 1 to 86400');
    return 2;
  }
  if (deps.issuer === undefined) {
    deps.out('JWT_JWKS_URL is set: tokens come from that issuer, not from travel-platform.');
    return 1;
  }
  deps.out(await deps.issuer.mint(values.sub, ttl));
  return 0;
}
