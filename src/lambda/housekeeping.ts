/**
 * EventBridge Scheduler → this function, every few minutes: the background work a serving instance's
 * `start()` runs on timers (composition/housekeeping.ts, composition/analytics.ts), which no Lambda sandbox runs, as it
 * is frozen between invocations. Each run compacts and expires analytics rollups, checks the monthly
 * budget, and prunes processed-event marks and published outbox records past their retention (DynamoDB's
 * TTL deletes those too, but only within about two days). A step that fails does not stop the others;
 * the run then fails as a whole, so Lambda's retries of the asynchronous invocation and the stack's
 * housekeeping Failures alarm see it.
 */
import type { Context } from 'aws-lambda';
import { PUBLISHED_OUTBOX_RETENTION_MS } from '../ports/outbox.js';
import { PROCESSED_EVENT_RETENTION_MS } from '../ports/processed-events.js';
import { housekeepingParts } from './housekeeping-parts.js';
import { instrumented, LAMBDA_METRICS, MetricUnit, observability } from './observability.js';

const tools = observability('housekeeping');

/** What one run did, step by step; a step is absent when it does not apply (ANALYTICS=off). */
export interface HousekeepingReport {
  analyticsCompacted?: boolean;
  budgetChecked?: boolean;
  processedEventsPruned?: number;
  publishedOutboxPruned?: number;
  failed: string[];
}

export async function handler(_event: unknown, context: Context): Promise<HousekeepingReport> {
  return instrumented(tools, context, async () => {
    const { analytics, processed, outbox, clock } = await housekeepingParts();
    const report: HousekeepingReport = { failed: [] };
    const errors: unknown[] = [];
    const step = async (name: string, work: () => Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        tools.logger.error(`housekeeping step ${name} failed`, { error });
        report.failed.push(name);
        errors.push(error);
      }
    };
    const now = clock.now();
    if (analytics) {
      await step('analytics', async () => {
        await analytics.compactAndExpire();
        report.analyticsCompacted = true;
      });
      await step('budget', async () => {
        await analytics.checkBudget();
        report.budgetChecked = true;
      });
    }
    await step('processed-events', async () => {
      report.processedEventsPruned = await processed.prune(now - PROCESSED_EVENT_RETENTION_MS);
    });
    await step('outbox', async () => {
      report.publishedOutboxPruned = await outbox.prunePublished(now - PUBLISHED_OUTBOX_RETENTION_MS);
    });
    tools.metrics.addMetric(LAMBDA_METRICS.housekeepingFailures, MetricUnit.Count, report.failed.length);
    tools.logger.info('housekeeping run', { ...report });
    if (errors.length > 0)
      throw new AggregateError(errors, `housekeeping steps failed: ${report.failed.join(', ')}`);
    return report;
  });
}
