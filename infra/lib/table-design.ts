/**
 * The single table of the DynamoDB store, as docs/adr/0008-dynamodb-single-table.md designs it:
 * the original stack's keys and `timestamp-index`, the overloaded lookup index, the TTL attribute
 * and streams of new and old images (the outbox relay reads them).
 */
export const TABLE_DESIGN = {
  partitionKey: 'searchType',
  sortKey: 'searchId',
  timestampIndex: { name: 'timestamp-index', partitionKey: 'searchType', sortKey: 'timestamp' },
  lookupIndex: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ttlAttribute: 'expiresAtTtl',
} as const;
