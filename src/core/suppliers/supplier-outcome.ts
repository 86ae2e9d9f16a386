/** How one supplier took part in a search, as `meta.suppliers` reports it. */
export interface SupplierOutcome {
  /**
   * answered: live offers; cached: its own fresh cached answer; stale: it failed or timed out and an
   * expired cached answer stands in; timeout: no answer by the search deadline; failed: an error or
   * an open circuit, nothing cached.
   */
  status: 'answered' | 'cached' | 'stale' | 'timeout' | 'failed';
  /** Offers it contributed before de-duplication. */
  offers: number;
}

export type SupplierOutcomes = Record<string, SupplierOutcome>;

/** True when every supplier gave a current answer, so the merged result may be cached as complete. */
export function allCurrent(outcomes: SupplierOutcomes): boolean {
  return Object.values(outcomes).every((o) => o.status === 'answered' || o.status === 'cached');
}
