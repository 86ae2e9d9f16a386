import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStage, STAGES } from './stage.js';
import type { TapStackProps } from './tap-stack.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Where `npm run build:lambda` puts the function bundles. */
export const BUNDLES = {
  api: join(root, 'dist-lambda/api'),
  cacheInvalidation: join(root, 'dist-lambda/cache-invalidation'),
  outboxRelay: join(root, 'dist-lambda/outbox-relay'),
  webhooks: join(root, 'dist-lambda/webhooks'),
};

/**
 * TapStack props from `-c key=value` context: stage (dev|staging|prod, default dev),
 * environmentSuffix (default: the stage), alertEmail, monthlyBudgetUsd, budgetAlertThresholdPercent,
 * jwksUrl, and tableCapacity=provisioned with minRead/maxRead/minWrite/maxWrite.
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
  const stage = text('stage') ?? 'dev';
  if (!isStage(stage)) throw new Error(`-c stage=${stage} is invalid: expected one of ${STAGES.join(', ')}`);
  const environmentSuffix = text('environmentSuffix') ?? stage;
  if (!/^[A-Za-z0-9-]{1,20}$/.test(environmentSuffix))
    throw new Error(
      `-c environmentSuffix=${environmentSuffix} is invalid: expected 1–20 letters, digits or "-"`,
    );
  const alertEmail = text('alertEmail') ?? 'ops@example.com';
  const jwksUrl = text('jwksUrl');
  return {
    stage,
    environmentSuffix,
    env: { account: env.CDK_DEFAULT_ACCOUNT, region: env.CDK_DEFAULT_REGION },
    bundles: BUNDLES,
    alertEmail,
    monthlyBudgetUsd: number('monthlyBudgetUsd', { dev: 150, staging: 300, prod: 1500 }[stage]),
    budgetAlertThresholdPercent: number('budgetAlertThresholdPercent', 80),
    ...(jwksUrl ? { jwksUrl } : {}),
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
