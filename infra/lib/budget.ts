import * as budgets from 'aws-cdk-lib/aws-budgets';
import { Construct } from 'constructs';

export interface CostBudgetProps {
  environmentSuffix: string;
  /** The stage whose resources (tag `Stage`) the budget counts. */
  stage: string;
  /** Monthly limit, USD. */
  monthlyLimitUsd: number;
  /** Percent of the limit at which the actual spend alerts (the forecast alerts at 100%). */
  alertThresholdPercent: number;
  /** Absent (dev only): the budget is tracked in the console without notifications. */
  alertEmail?: string;
}

/** The cost allocation tags the budget filters on, both at once. */
export function budgetTags(stage: string): { key: string; values: string[] }[] {
  return [
    { key: 'Project', values: ['travel-platform'] },
    { key: 'Stage', values: [stage] },
  ];
}

/**
 * A monthly cost budget for one stage's resources: the `Project` and `Stage` cost allocation tags
 * together (an AND expression; tag values listed in one cost filter would be OR-ed, and each stage's
 * budget would count every stage).
 */
export class CostBudget extends Construct {
  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const subscribers = props.alertEmail ? [{ subscriptionType: 'EMAIL', address: props.alertEmail }] : [];
    new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: `travel-platform-${props.environmentSuffix}`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        filterExpression: {
          and: budgetTags(props.stage).map((tag) => ({ tags: { ...tag, matchOptions: ['EQUALS'] } })),
        },
      },
      notificationsWithSubscribers:
        subscribers.length === 0
          ? []
          : [
              {
                notification: {
                  notificationType: 'ACTUAL',
                  comparisonOperator: 'GREATER_THAN',
                  threshold: props.alertThresholdPercent,
                  thresholdType: 'PERCENTAGE',
                },
                subscribers,
              },
              {
                notification: {
                  notificationType: 'FORECASTED',
                  comparisonOperator: 'GREATER_THAN',
                  threshold: 100,
                  thresholdType: 'PERCENTAGE',
                },
                subscribers,
              },
            ],
    });
  }
}
