import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { keys } from '../../src/adapters/store/dynamodb/keys.js';

/** DynamoDB actions that change items: granted only on the partitions a function writes. */
export const ITEM_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** What one function may do with the table's items. */
export interface TableAccess {
  /** Read actions, on the table and its indexes. */
  reads: readonly string[];
  /** Partition keys (IAM string patterns) of the items the function writes. */
  writes: readonly string[];
}

/**
 * Item-level access of the functions other than the API, which alone holds the admin secret and may
 * write everything (API keys included). On the single table, "only these items" is the
 * `dynamodb:LeadingKeys` condition on the partition key of each write: a relay or consumer whose code
 * went wrong still cannot write an API key, a signing secret or a booking.
 */
export const TABLE_ACCESS = {
  /** Marks a relayed record published: deletes it from `OUTBOX`, records it in `OUTBOX-PUBLISHED`. */
  outboxRelay: {
    reads: [],
    writes: [keys.outboxPartition, keys.publishedPartition],
  },
  /** Reads and writes its processed-event marks. */
  cacheInvalidation: {
    reads: ['dynamodb:GetItem'],
    writes: [keys.processedPartition],
  },
  /**
   * Compacts and expires analytics rollups, prunes processed marks and published records, and
   * remembers crossed budget thresholds in the settings.
   */
  housekeeping: {
    reads: ['dynamodb:GetItem', 'dynamodb:Query'],
    writes: [
      `${keys.analyticsPartitionPrefix}*`,
      keys.processedPartition,
      keys.publishedPartition,
      keys.settingsPartition,
    ],
  },
  /**
   * Stores webhook deliveries, claims and sends them, records attempts, dead letters and endpoint
   * outcomes; reads endpoints and the bookings payloads describe.
   */
  webhooks: {
    reads: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
    writes: [
      keys.webhookEndpointsPartition,
      `${keys.webhookDeliveryPartition('')}*`,
      keys.webhookPendingPartition,
      keys.webhookDeadLettersPartition,
    ],
  },
} as const satisfies Record<string, TableAccess>;

/** Grants `fn` exactly `access` on `table`, and the use of its encryption key. */
export function grantTableAccess(
  table: dynamodb.ITable,
  key: kms.IKey,
  fn: lambda.IFunction,
  access: TableAccess,
): void {
  const resources = [table.tableArn, `${table.tableArn}/index/*`];
  if (access.reads.length > 0)
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...access.reads], resources }));
  if (access.writes.length > 0)
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...ITEM_WRITE_ACTIONS],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.writes] } },
      }),
    );
  key.grantEncryptDecrypt(fn);
}
