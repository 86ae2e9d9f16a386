import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BUNDLES } from '../../infra/lib/context.js';
import type { Stage } from '../../infra/lib/stage.js';
import { TapStack, type TapStackProps } from '../../infra/lib/tap-stack.js';
import { buildAllLambdas } from '../../scripts/build-lambda.js';

let bundles: Promise<unknown> | undefined;

/** The function bundles, built once per test run (and reused when dist-lambda already has them). */
export function lambdaBundles(): Promise<unknown> {
  bundles ??= buildAllLambdas({ reuse: true });
  return bundles;
}

export interface SynthesizedStack {
  stack: TapStack;
  template: Template;
}

/**
 * A TapStack of `stage` synthesized with cdk-nag's AwsSolutionsChecks as a validation plugin: the
 * synthesis throws when any finding is left unacknowledged.
 */
export async function synthTapStack(
  stage: Stage,
  overrides: Partial<TapStackProps> = {},
): Promise<SynthesizedStack> {
  await lambdaBundles();
  const app = new App();
  const stack = new TapStack(app, `TapStack${stage}`, {
    stage,
    environmentSuffix: stage,
    bundles: BUNDLES,
    alertEmail: 'ops@example.com',
    monthlyBudgetUsd: 200,
    budgetAlertThresholdPercent: 75,
    webFirewall: { rateLimitPerWindow: 1000 },
    ...overrides,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { stack, template: Template.fromStack(stack) };
}
