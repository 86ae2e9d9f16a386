/**
 * Key and attribute names of the single DynamoDB table (see docs/adr/0013-dynamodb-single-table.md
 * for every access pattern and the key or index serving it).
 */

/** Partition key, kept from the original stack's table. */
export const PK = 'searchType';
/** Sort key, kept from the original stack's table. */
export const SK = 'searchId';
/** Sort key of `timestamp-index` (partition: `searchType`): time-ordered reads within one partition. */
export const TIMESTAMP = 'timestamp';
export const TIMESTAMP_INDEX = 'timestamp-index';
/** The overloaded lookup index: flights by route, hotels by city, bookings by owner, keys by expiry. */
export const LOOKUP_INDEX = 'gsi1';
export const LOOKUP_PK = 'gsi1pk';
export const LOOKUP_SK = 'gsi1sk';
/**
 * Epoch seconds after which DynamoDB's TTL deletes the item: idempotency keys, published outbox
 * records and processed-event marks. Analytics rollups carry none: compaction merges old minutes into
 * hours before they go, which an expiry would skip.
 */
export const TTL = 'expiresAtTtl';
/** What an item is, so a scan can count or clear one kind. */
export const KIND = 'kind';

/** The TTL attribute's value for an item to be forgotten `afterMs` from `now` (epoch ms). */
export const ttlAfter = (now: number, afterMs: number): number => Math.ceil((now + afterMs) / 1000);

export type ItemKind =
  | 'flight'
  | 'route'
  | 'airline'
  | 'hotel'
  | 'hotel-geo'
  | 'room-night'
  | 'setting'
  | 'issuer-key'
  | 'booking'
  | 'booking-reference'
  | 'idempotency-key'
  | 'api-key'
  | 'api-key-usage'
  | 'outbox'
  | 'outbox-published'
  | 'outbox-lease'
  | 'dead-letter'
  | 'processed-event'
  | 'analytics-rollup'
  | 'fare-filing'
  | 'fare-versions'
  | 'hotel-import-night'
  | 'webhook-endpoint'
  | 'webhook-delivery'
  | 'webhook-pending'
  | 'webhook-attempt'
  | 'webhook-dead-letter'
  | 'schedule-pointers'
  | 'schedule-staged'
  | 'schedule-manifest'
  | 'schedule-retired'
  | 'schedule-retirement';

export const INVENTORY_KINDS: readonly ItemKind[] = [
  'flight',
  'route',
  'airline',
  'hotel',
  'hotel-geo',
  'room-night',
  'schedule-pointers',
  'schedule-staged',
  'schedule-manifest',
  'schedule-retired',
  'schedule-retirement',
];

export type ItemKey = {
  [PK]: string;
  [SK]: string;
};

const key = (partition: string, sort: string): ItemKey => ({ [PK]: partition, [SK]: sort });

/** Epoch ms as 13 digits, so string order is time order (until the year 2286). */
export const paddedMs = (ms: number): string => String(Math.max(0, Math.trunc(ms))).padStart(13, '0');

export const keys = {
  /** A flight as written by seeding and putFlights: the base generation. */
  flight: (id: string) => key(`FLIGHT#${id}`, 'FLIGHT'),
  flightPartition: (id: string) => `FLIGHT#${id}`,
  /** A flight as a schedule import wrote it: one item per import (generation) that wrote the flight. */
  flightVersion: (id: string, generation: string) => key(`FLIGHT#${id}`, `FLIGHT#${generation}`),
  /** Which generation of each carrier's flights readers see, by ranges of flight dates (one item). */
  schedulePointers: key('SCHEDULE', 'POINTERS'),
  /** Legs staged by one import, one partition per flight date; sort key: flight id. */
  scheduleStagePartition: (importId: string, date: string) => `SCHEDSTAGE#${importId}#${date}`,
  scheduleStaged: (importId: string, id: string) => key(`SCHEDSTAGE#${importId}#${id.slice(0, 10)}`, id),
  /** What an import staged: its dates and how many legs. */
  scheduleManifest: (importId: string) => key(`SCHEDSTAGE#${importId}`, 'MANIFEST'),
  /** Flight items a switch superseded, deleted once no reader can still be using them. */
  scheduleRetiredPartition: (generation: string) => `SCHEDRETIRED#${generation}`,
  scheduleRetirementsPartition: 'SCHEDULE-RETIREMENTS',
  scheduleRetirement: (at: number, generation: string) =>
    key('SCHEDULE-RETIREMENTS', `${paddedMs(at)}#${generation}`),
  routeLookup: (origin: string, destination: string) => `ROUTE#${origin}#${destination}`,
  flightLookupSort: (departureUtc: number, id: string) => `${paddedMs(departureUtc)}#${id}`,
  routesPartition: 'ROUTES',
  route: (origin: string, destination: string) => key('ROUTES', `${origin}#${destination}`),
  airlinesPartition: 'AIRLINES',
  airline: (iata: string) => key('AIRLINES', iata),
  hotel: (id: string) => key(`HOTEL#${id}`, '#HOTEL'),
  cityLookup: (cityCode: string) => `CITY#${cityCode}`,
  /** Hotels are copied into 1° latitude bands for radius searches. */
  hotelGeoPartition: (band: number) => `HOTELGEO#${band}`,
  hotelGeo: (band: number, id: string) => key(`HOTELGEO#${band}`, id),
  roomNightPrefix: 'NIGHT#',
  roomNight: (hotelId: string, date: string, roomType: string) =>
    key(`HOTEL#${hotelId}`, `NIGHT#${date}#${roomType}`),
  hotelPartition: (hotelId: string) => `HOTEL#${hotelId}`,
  setting: (name: string) => key('SETTINGS', name),
  issuerKey: key('ISSUER', 'KEY'),
  booking: (id: string) => key(`BOOKING#${id}`, 'BOOKING'),
  ownerLookup: (apiKeyId: string, sub: string) => `OWNER#${apiKeyId}#${sub}`,
  bookingReference: (reference: string) => key(`BOOKINGREF#${reference}`, 'REF'),
  idempotencyKey: (scope: string, idempotencyKey: string) =>
    key(`IDEMPOTENCY#${scope}`, `KEY#${idempotencyKey}`),
  /** Idempotency keys are spread over a few lookup partitions by expiry, so no single one runs hot. */
  idempotencyExpiryLookup: (shard: number) => `IDEMPOTENCY-EXPIRY#${shard}`,
  apiKeysPartition: 'APIKEYS',
  apiKey: (id: string) => key('APIKEYS', id),
  usagePartition: (keyId: string) => `USAGE#${keyId}`,
  usage: (keyId: string, day: string) => key(`USAGE#${keyId}`, day),
  outboxPartition: 'OUTBOX',
  outbox: (id: string) => key('OUTBOX', id),
  publishedPartition: 'OUTBOX-PUBLISHED',
  published: (id: string) => key('OUTBOX-PUBLISHED', id),
  outboxLease: key('OUTBOX-LEASE', 'LEASE'),
  deadLettersPartition: 'DEADLETTERS',
  deadLetter: (id: string) => key('DEADLETTERS', id),
  processedPartition: 'PROCESSED',
  settingsPartition: 'SETTINGS',
  /** Analytics rollups: `ANALYTICS#<granularity>#<day or month>`. */
  analyticsPartitionPrefix: 'ANALYTICS#',
  processed: (consumer: string, eventId: string) => key('PROCESSED', `${consumer}#${eventId}`),
  /** One item naming every carrier's current fare version, so publishing switches them in one write. */
  fareVersions: key('FARE-VERSIONS', 'CURRENT'),
  /** The filings of one version (all its carriers) share a partition; sort key: carrier, then filing key. */
  fareVersionPartition: (version: string) => `FARES#${version}`,
  /** Nights staged by one hotel import; sort key: hotel, then the live night's sort key. */
  hotelImportPartition: (importId: string) => `HOTELIMPORT#${importId}`,
  hotelImportNight: (importId: string, hotelId: string, date: string, roomType: string) =>
    key(`HOTELIMPORT#${importId}`, `${hotelId}#NIGHT#${date}#${roomType}`),
  fareFiling: (version: string, carrier: string, filingKey: string) =>
    key(`FARES#${version}`, `${carrier}#${filingKey}`),
  webhookEndpointsPartition: 'WEBHOOK-ENDPOINTS',
  webhookEndpoint: (id: string) => key('WEBHOOK-ENDPOINTS', id),
  webhookDelivery: (id: string) => key(`WEBHOOK-DELIVERY#${id}`, 'DELIVERY'),
  webhookAttemptPrefix: 'ATTEMPT#',
  webhookAttempt: (deliveryId: string, attemptId: string) =>
    key(`WEBHOOK-DELIVERY#${deliveryId}`, `ATTEMPT#${attemptId}`),
  webhookDeliveryPartition: (id: string) => `WEBHOOK-DELIVERY#${id}`,
  /** The lookup (gsi1) partition of an endpoint's delivery log, sorted by sequence. */
  webhookLogLookup: (endpointId: string) => `WEBHOOK-LOG#${endpointId}`,
  /** One small item per pending delivery: the queue claims read. */
  webhookPendingPartition: 'WEBHOOK-PENDING',
  webhookPending: (id: string) => key('WEBHOOK-PENDING', id),
  webhookDeadLettersPartition: 'WEBHOOK-DEADLETTERS',
  webhookDeadLetter: (deliveryId: string) => key('WEBHOOK-DEADLETTERS', deliveryId),
};

export const IDEMPOTENCY_EXPIRY_SHARDS = 4;
