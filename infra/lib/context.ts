import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLANS } from '../../src/core/gateway/plans.js';
import { identityAndEgressFromContext } from './identity-and-egress.js';
import { isStage, STAGES } from './stage.js';
import type { TapStackProps } from './tap-stack.js';
import { WAF_RATE_WINDOW_SECONDS } from './web-firewall.js';

/**
 * Requests one address may send per WAF window by default: the largest plan's sustained rate, so
 * the firewall never refuses what the application would accept from a single client.
 */
export const DEFAULT_WAF_RATE_LIMIT =
  Math.max(...Object.values(PLANS).map((plan) => plan.rateLimit)) * WAF_RATE_WINDOW_SECONDS;

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Where `npm run build:lambda` puts the function bundles. */
export const BUNDLES = {
  api: join(root, 'dist-lambda/api'),
  cacheInvalidation: join(root, 'dist-lambda/cache-invalidation'),
  outboxRelay: join(root, 'dist-lambda/outbox-relay'),
  preTrafficHook: join(root, 'dist-lambda/pre-traffic-hook'),
  housekeeping: join(root, 'dist-lambda/housekeeping'),
  webhooks: join(root, 'dist-lambda/webhooks'),
};

/**
 * TapStack props from `-c key=value` context: stage (dev|staging|prod, default dev),
 * environmentSuffix (default: the stage), alertEmail, monthlyBudgetUsd, budgetAlertThresholdPercent,
 * tableCapacity=provisioned with minRead/maxRead/minWrite/maxWrite; corsOrigins, waf=off (dev only)
 * and wafRateLimit, provisionedConcurrency, domainName with certificateArn; and the identity and
 * egress settings (identity-and-egress.ts): jwksUrl, jwtIssuer, jwtAudience, suppliers,
 * duffelTokenSecretArn, supplierHttpUrl, otlpEndpoint, natGateways.
 */
export function stackPropsFromContext(
  context: (key: string) => unknown,
  env: Record<string, string | undefined>,
): TapStackProps {
  const text = (key: string): string | undefined => {
    const value = context(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const number = (key: string, fallback: number): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`-c ${key}=${raw} is invalid: expected a positive number`);
    return value;
  };
  const count = (key: string, fallback: number): number => {
    const value = number(key, fallback);
    if (!Number.isInteger(value)) throw new Error(`-c ${key}=${value} is invalid: expected a whole number`);
    return value;
  };
  const stage = text('stage') ?? 'dev';
  if (!isStage(stage)) throw new Error(`-c stage=${stage} is invalid: expected one of ${STAGES.join(', ')}`);
  const environmentSuffix = text('environmentSuffix') ?? stage;
  if (!/^[A-Za-z0-9-]{1,20}$/.test(environmentSuffix))
    throw new Error(
      `-c environmentSuffix=${environmentSuffix} is invalid: expected 1–20 letters, digits or "-"`,
    );
  const alertEmail = text('alertEmail');
  // Alarms and budget alerts of a shared stage must reach someone: no placeholder address.
  if (alertEmail === undefined && stage !== 'dev')
    throw new Error(
      `-c alertEmail is required for stage ${stage}: the address that receives alarm and budget notifications`,
    );
  if (alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alertEmail))
    throw new Error(`-c alertEmail=${alertEmail} is invalid: expected an email address`);
  const waf = text('waf') ?? 'on';
  if (waf !== 'on' && waf !== 'off') throw new Error(`-c waf=${waf} is invalid: expected on or off`);
  if (waf === 'off' && stage !== 'dev')
    throw new Error(`-c waf=off is invalid for stage ${stage}: the web firewall may be left out in dev only`);
  const domainName = text('domainName');
  const certificateArn = text('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined))
    throw new Error(
      '-c domainName and -c certificateArn go together: the custom domain needs an ACM certificate in the stack’s region',
    );
  const provisionedConcurrency = text('provisionedConcurrency');
  return {
    stage,
    environmentSuffix,
    env: { account: env.CDK_DEFAULT_ACCOUNT, region: env.CDK_DEFAULT_REGION },
    bundles: BUNDLES,
    ...(alertEmail ? { alertEmail } : {}),
    corsOrigins: text('corsOrigins') ?? '',
    ...(waf === 'on'
      ? { webFirewall: { rateLimitPerWindow: count('wafRateLimit', DEFAULT_WAF_RATE_LIMIT) } }
      : {}),
    ...(provisionedConcurrency ? { provisionedConcurrency: count('provisionedConcurrency', 1) } : {}),
    ...(domainName && certificateArn ? { customDomain: { domainName, certificateArn } } : {}),
    monthlyBudgetUsd: number('monthlyBudgetUsd', { dev: 150, staging: 300, prod: 1500 }[stage]),
    budgetAlertThresholdPercent: number('budgetAlertThresholdPercent', 80),
    ...identityAndEgressFromContext(text),
    ...(text('tableCapacity') === 'provisioned'
      ? {
          provisionedCapacity: {
            minRead: number('minRead', 5),
            maxRead: number('maxRead', 500),
            minWrite: number('minWrite', 5),
            maxWrite: number('maxWrite', 200),
          },
        }
      : {}),
  };
}
