/**
 * A usage plan: how fast and how much one API key may call, as API Gateway's usage plans
 * describe it. The rate and burst form a token bucket; the quota is counted per UTC day.
 */
export interface UsagePlan {
  /** Plan name (`free`, `standard`, `partner`, or `custom` for per-key overrides). */
  name: string;
  /** Steady-state requests per second: the bucket's refill rate. */
  rateLimit: number;
  /** Bucket size: the most requests admitted at once after an idle period. */
  burstLimit: number;
  /** Requests admitted per UTC day. */
  dailyQuota: number;
}

/** Per-key limits that replace the named plan's values. */
export type UsagePlanOverrides = Partial<Pick<UsagePlan, 'rateLimit' | 'burstLimit' | 'dailyQuota'>>;
