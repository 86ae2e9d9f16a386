import { parseArgs } from 'node:util';
import type { ApiKeyService } from '../../core/gateway/api-key-service.js';
import { isPlanName } from '../../core/gateway/plans.js';
import type { UsagePlanOverrides } from '../../ports/usage-plan.js';

/** What `travel-platform keys` needs from the composition root. */
export interface KeysCommandDeps {
  keys: ApiKeyService;
  out: (line: string) => void;
}

const USAGE = [
  'usage: travel-platform keys create --name <name> [--plan free|standard|partner] [--admin]',
  '                                   [--rate <req/s>] [--burst <n>] [--quota <n/day>]',
  '       travel-platform keys list',
  '       travel-platform keys revoke <id>',
].join('\n');

const positiveInteger = (raw: string | undefined): number | undefined | 'invalid' => {
  if (raw === undefined) return undefined;
  return /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : 'invalid';
};

/** `travel-platform keys create|list|revoke`. Returns the exit code. */
export async function run(args: readonly string[], deps: KeysCommandDeps): Promise<number> {
  const [command, ...rest] = args;
  const { out, keys } = deps;
  if (command === 'list') {
    for (const key of await keys.list()) {
      const plan = keys.planOf(key);
      const state =
        key.revokedAt === undefined ? 'active' : `revoked ${new Date(key.revokedAt).toISOString()}`;
      out(
        `${key.id}  ${key.role.padEnd(6)}  ${plan.name} (${plan.rateLimit}/s burst ${plan.burstLimit}, ${plan.dailyQuota}/day)  ${state}  ${key.name}`,
      );
    }
    return 0;
  }
  if (command === 'revoke') {
    const id = rest[0];
    if (id === undefined) {
      out(USAGE);
      return 2;
    }
    if (!(await keys.revoke(id))) {
      out(`no API key has id ${id}`);
      return 1;
    }
    out(`revoked ${id}`);
    return 0;
  }
  if (command === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        plan: { type: 'string', default: 'free' },
        admin: { type: 'boolean', default: false },
        rate: { type: 'string' },
        burst: { type: 'string' },
        quota: { type: 'string' },
      },
      strict: true,
    });
    const limits = {
      rateLimit: positiveInteger(values.rate),
      burstLimit: positiveInteger(values.burst),
      dailyQuota: positiveInteger(values.quota),
    };
    if (values.name === undefined || values.name === '' || !isPlanName(values.plan)) {
      out(USAGE);
      return 2;
    }
    const { rateLimit, burstLimit, dailyQuota } = limits;
    if (rateLimit === 'invalid' || burstLimit === 'invalid' || dailyQuota === 'invalid') {
      out('--rate, --burst and --quota must be positive integers');
      return 2;
    }
    const overrides: UsagePlanOverrides = {};
    if (rateLimit !== undefined) overrides.rateLimit = rateLimit;
    if (burstLimit !== undefined) overrides.burstLimit = burstLimit;
    if (dailyQuota !== undefined) overrides.dailyQuota = dailyQuota;
    const issued = await keys.issue({
      name: values.name,
      role: values.admin ? 'admin' : 'client',
      plan: values.plan,
      overrides,
    });
    out(`id:  ${issued.record.id}`);
    out(`key: ${issued.key}`);
    out('The key is shown only now; it is stored hashed.');
    return 0;
  }
  out(USAGE);
  return 2;
}
