import type { ApiKeyRecord } from '../../ports/api-keys.js';
import type { UsagePlan } from '../../ports/usage-plan.js';

/** Names of the built-in usage plans. */
export type PlanName = 'free' | 'standard' | 'partner';
export const PLAN_NAMES: readonly PlanName[] = ['free', 'standard', 'partner'];

/** The built-in plans; a key names one and may override any of its limits. */
export const PLANS: Readonly<Record<PlanName, UsagePlan>> = Object.freeze({
  free: { name: 'free', rateLimit: 5, burstLimit: 10, dailyQuota: 1_000 },
  standard: { name: 'standard', rateLimit: 50, burstLimit: 100, dailyQuota: 100_000 },
  partner: { name: 'partner', rateLimit: 500, burstLimit: 1_000, dailyQuota: 10_000_000 },
});

/** True when `name` is a built-in plan. */
export function isPlanName(name: string): name is PlanName {
  return (PLAN_NAMES as readonly string[]).includes(name);
}

/**
 * The effective plan of a key: its named plan (or `fallback` for a plan name no longer known,
 * so a stored key never becomes unlimited) with the key's overrides applied.
 */
export function resolvePlan(
  key: Pick<ApiKeyRecord, 'plan' | 'overrides'>,
  fallback: PlanName = 'free',
): UsagePlan {
  const base = isPlanName(key.plan) ? PLANS[key.plan] : PLANS[fallback];
  return {
    name: base.name,
    rateLimit: key.overrides.rateLimit ?? base.rateLimit,
    burstLimit: key.overrides.burstLimit ?? base.burstLimit,
    dailyQuota: key.overrides.dailyQuota ?? base.dailyQuota,
  };
}
