import * as budgets from 'aws-cdk-lib/aws-budgets';
import { Construct } from 'constructs';

export interface CostBudgetProps {
  environmentSuffix: string;
  /** Monthly limit, USD. */
  monthlyLimitUsd: number;
  /** Percent of the limit at which the actual spend alerts (the forecast alerts at 100%). */
  alertThresholdPercent: number;
  alertEmail: string;
}

/** A monthly cost budget for the stack's resources (by the `Project` cost allocation tag). */
export class CostBudget extends Construct {
  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const subscribers = [{ subscriptionType: 'EMAIL', address: props.alertEmail }];
    new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: `travel-platform-${props.environmentSuffix}`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        costFilters: { TagKeyValue: ['user:Project$travel-platform'] },
      },
      notificationsWithSubscribers: [
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
