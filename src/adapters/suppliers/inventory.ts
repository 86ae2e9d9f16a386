import type { OwnSupplier, SupplierFlightQuery, SupplierSearchResult } from '../../ports/supplier.js';

/** The inventory search engine, as the composition root hands it over. */
export type InventorySearch = (
  query: SupplierFlightQuery,
  signal: AbortSignal,
) => Promise<SupplierSearchResult>;

/**
 * The own inventory as a supplier. The search engine stays in the core (it owns the store's data
 * and the rules of connecting flights); the composition root passes it in, so this adapter needs
 * nothing from the core (docs/adr/0016-supplier-port.md).
 */
export function createInventorySupplier(search: InventorySearch): OwnSupplier {
  return {
    name: 'inventory',
    kind: 'own',
    searchFlights: (query, signal) => search(query, signal),
  };
}
