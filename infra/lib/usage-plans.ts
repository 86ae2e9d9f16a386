import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { PLAN_NAMES, PLANS } from '../../src/core/gateway/plans.js';

/**
 * One API Gateway usage plan per plan of the platform's plan table, with the same rate, burst and
 * daily quota: API Gateway refuses over-limit keys before a function runs, and the function's own
 * gateway still enforces the same numbers per key across every client of the table.
 */
export function addUsagePlans(api: apigateway.RestApi, stage: apigateway.Stage): apigateway.UsagePlan[] {
  return PLAN_NAMES.map((name) => {
    const plan = PLANS[name];
    return api.addUsagePlan(`UsagePlan-${name}`, {
      name: `${api.restApiName}-${name}`,
      description: `${name}: ${plan.rateLimit} req/s, burst ${plan.burstLimit}, ${plan.dailyQuota} requests a day`,
      throttle: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
      quota: { limit: plan.dailyQuota, period: apigateway.Period.DAY },
      apiStages: [{ api, stage }],
    });
  });
}
