/**
 * Reading outbox events out of DynamoDB Streams records. The DynamoDB store writes each event as an
 * item of the `OUTBOX` partition in the same transaction as the change it describes; the stream
 * (NEW_AND_OLD_IMAGES) then carries that item's new image to the relay function.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { CloudEvent } from '../ports/events.js';
import type { OutboxRecord } from '../ports/outbox.js';

/** Partition key attribute and value of outbox items; the stack's stream filter uses them too. */
export const OUTBOX_PARTITION = { attribute: 'searchType', value: 'OUTBOX' } as const;
/** The sort key of an outbox item is the record's id in the outbox. */
const OUTBOX_ID_ATTRIBUTE = 'searchId';

/** Why a record cannot be relayed; it is reported as a batch item failure. */
export class PoisonRecordError extends Error {
  override name = 'PoisonRecordError';
}

/**
 * The outbox record a stream record carries: undefined when it is no outbox insert (the stack
 * filters those out, but a relay must not trip over one); throws PoisonRecordError when it is an
 * outbox insert whose event cannot be read.
 */
export function outboxRecordFrom(record: DynamoDBRecord): OutboxRecord | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image === undefined) return undefined;
  // aws-lambda's and the SDK's attribute value types describe the same wire JSON.
  const item = unmarshall(image as Parameters<typeof unmarshall>[0]);
  if (item[OUTBOX_PARTITION.attribute] !== OUTBOX_PARTITION.value) return undefined;
  const id = item[OUTBOX_ID_ATTRIBUTE];
  if (typeof id !== 'string' || id === '') throw new PoisonRecordError('outbox item without an id');
  let event: unknown;
  try {
    event = typeof item.event === 'string' ? JSON.parse(item.event) : item.event;
  } catch (cause) {
    throw new PoisonRecordError(`outbox item ${id} holds an event that is not JSON`, { cause });
  }
  if (!isCloudEvent(event)) throw new PoisonRecordError(`outbox item ${id} holds no CloudEvent`);
  return { id, event };
}

function isCloudEvent(value: unknown): value is CloudEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Partial<CloudEvent>;
  return (
    event.specversion === '1.0' &&
    typeof event.id === 'string' &&
    typeof event.type === 'string' &&
    typeof event.source === 'string' &&
    typeof event.time === 'string'
  );
}
