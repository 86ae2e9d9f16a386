import { afterAll } from 'vitest';
import { inventorySupplierOf } from '../../src/composition/suppliers.js';
import { FlightSearch } from '../../src/core/flights/flight-search.js';
import { TokenSigner } from '../../src/core/offers/signed-token.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { describeSupplierContract } from './supplier-port.contract.js';
import { contractQuery } from './supplier-targets.js';

// One small demo inventory for every test: the own supplier only reads it.
let platform: Promise<TestPlatform> | undefined;

afterAll(async () => {
  await (await platform)?.close();
});

describeSupplierContract('inventory (the own store, through the core search engine)', 'own', async () => {
  platform ??= startTestPlatform({ airports: 12, days: 4 });
  const tp = await platform;
  const engine = new FlightSearch({
    results: tp.platform.services.searchResults,
    store: tp.platform.store,
    airports: tp.platform.airports,
    clock: { now: () => Date.now() },
    signer: new TokenSigner('supplier-contract-signing-secret-00000000'),
    offerTtlMs: 600_000,
    maxResults: 50,
  });
  // The engine's answer handed over as the composition root does: its offer id becomes the reference.
  const supplier = inventorySupplierOf(engine);
  return { supplier, query: contractQuery('LHR', 'JFK', 2), close: async () => {} };
});
