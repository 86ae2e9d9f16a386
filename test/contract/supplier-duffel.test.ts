import { createDuffelSupplier } from '../../src/adapters/suppliers/duffel.js';
import { startDuffelFixture } from '../helpers/supplier-servers.js';
import { describeSupplierContract } from './supplier-port.contract.js';
import { behindBreaker, remoteTarget } from './supplier-targets.js';

const duffel = remoteTarget(startDuffelFixture, (url) =>
  createDuffelSupplier({ url, token: 'duffel_test_contract', version: 'v2', supplierTimeoutMs: 2_000 }),
);

describeSupplierContract('duffel', 'remote', duffel);
describeSupplierContract('duffel behind its circuit breaker', 'remote', behindBreaker(duffel));
