/** Width of the buckets an analytics rollup covers. */
export type RollupGranularity = 'minute' | 'hour';

/**
 * One stored rollup: the analytics of one writer (an instance, or the compactor) for one bucket.
 * The payload is opaque to the store (the core encodes and merges it); several records may share
 * a bucket, and readers merge them.
 */
export interface RollupRecord {
  /** Unique per record; putting an existing id replaces that record. */
  id: string;
  granularity: RollupGranularity;
  /** Start of the bucket, epoch ms (a whole minute or hour). */
  bucket: number;
  payload: string;
}

/**
 * Where analytics rollups are kept (docs/ARCHITECTURE.md, "Analytics"). Analytics are best
 * effort: callers catch failures and never let them reach a request or a booking.
 *
 * Every backend passes test/contract/store/analytics-store.contract.ts.
 */
export interface AnalyticsStore {
  /** Writes every record, replacing any with the same id. Rejects with StoreUnavailableError when the store is down. */
  put(records: readonly RollupRecord[]): Promise<void>;
  /** Records of `granularity` whose bucket is in [from, to), by bucket then id; [] when none. Rejects with StoreUnavailableError. */
  list(granularity: RollupGranularity, from: number, to: number): Promise<RollupRecord[]>;
  /** Deletes the records with these ids; unknown ids are ignored. Rejects with StoreUnavailableError. */
  remove(ids: readonly string[]): Promise<void>;
  /** Deletes records of `granularity` whose bucket is before `before`; resolves to how many went. Rejects with StoreUnavailableError. */
  removeBefore(granularity: RollupGranularity, before: number): Promise<number>;
}
