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

/** What names a stored record. */
export type RollupKey = Pick<RollupRecord, 'id' | 'granularity' | 'bucket'>;

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
  /** Deletes these records (named by id, granularity and bucket, as a key-value store needs); unknown ones are ignored. Rejects with StoreUnavailableError. */
  remove(records: readonly RollupKey[]): Promise<void>;
  /**
   * Deletes the records of `granularity` whose bucket is in [from, to); resolves to how many went.
   * Callers keep windows bounded (a key-value store reads them partition by partition). Rejects
   * with StoreUnavailableError.
   */
  removeRange(granularity: RollupGranularity, from: number, to: number): Promise<number>;
}
