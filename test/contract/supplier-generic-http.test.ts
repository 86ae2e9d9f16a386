import { createGenericHttpSupplier } from '../../src/adapters/suppliers/generic-http.js';
import { startGenericFixture } from '../helpers/supplier-servers.js';
import { describeSupplierContract } from './supplier-port.contract.js';
import { behindBreaker, remoteTarget } from './supplier-targets.js';

const http = remoteTarget(startGenericFixture, (url) =>
  createGenericHttpSupplier({ name: 'http', url, token: 'generic-contract-token' }),
);

describeSupplierContract('http (the generic contract of docs/suppliers.md)', 'remote', http);
describeSupplierContract('http behind its circuit breaker', 'remote', behindBreaker(http));
