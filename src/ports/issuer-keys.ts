/**
 * Where the development token issuer's private key lives between restarts, so tokens survive a
 * restart and every process sharing the store signs with the same key.
 * Every method rejects with StoreUnavailableError when the store fails.
 */
export interface IssuerKeyStorage {
  /** Stores `value` unless a key is already stored, and returns the stored one (first writer wins). */
  saveIfAbsent(value: string): Promise<string>;
  /** The stored key, or undefined. */
  load(): Promise<string | undefined>;
}
