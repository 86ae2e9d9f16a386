import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configProblems } from '../helpers/config-problems.js';

describe('supplier configuration', () => {
  it('defaults to the own inventory only', () => {
    expect(loadConfig({}).suppliers).toEqual(['inventory']);
  });

  it('keeps the order of SUPPLIERS', () => {
    expect(
      loadConfig({ SUPPLIERS: 'http, inventory', SUPPLIER_HTTP_URL: 'http://127.0.0.1:9' }).suppliers,
    ).toEqual(['http', 'inventory']);
  });

  it('names an unknown or repeated supplier on one line', () => {
    expect(configProblems({ SUPPLIERS: 'inventory,amadeus' })).toEqual([
      'SUPPLIERS="inventory,amadeus" is invalid: expected a comma-separated list of inventory, duffel, http (each at most once)',
    ]);
    expect(configProblems({ SUPPLIERS: 'inventory,inventory' })).toHaveLength(1);
  });

  it('requires each enabled supplier’s settings, one line each', () => {
    expect(configProblems({ SUPPLIERS: 'inventory,duffel,http' })).toEqual([
      'DUFFEL_TOKEN is required when SUPPLIERS includes duffel',
      'SUPPLIER_HTTP_URL is required when SUPPLIERS includes http',
    ]);
  });
});
