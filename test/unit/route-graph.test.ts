import { describe, expect, it } from 'vitest';
import { RouteGraph } from '../../src/core/flights/route-graph.js';

const flat = { distanceKm: () => 1, maxFlownKm: () => 10 };

describe('RouteGraph.paths', () => {
  it('returns the nonstop first even when a hub comes first in walk order and the path limit is tight', () => {
    // JFK lists its hub connections before LAX, as a busy hub's route list does.
    const graph = new RouteGraph([
      { origin: 'JFK', destination: 'ORD', carriers: ['AA'] },
      { origin: 'JFK', destination: 'ATL', carriers: ['DL'] },
      { origin: 'ORD', destination: 'LAX', carriers: ['AA'] },
      { origin: 'ATL', destination: 'LAX', carriers: ['DL'] },
      { origin: 'JFK', destination: 'LAX', carriers: ['B6'] },
    ]);
    expect(graph.paths('JFK', 'LAX', 2, flat, { paths: 1 })).toEqual([['JFK', 'LAX']]);
    expect(graph.paths('JFK', 'LAX', 2, flat)).toEqual([
      ['JFK', 'LAX'],
      ['JFK', 'ORD', 'LAX'],
      ['JFK', 'ATL', 'LAX'],
    ]);
  });

  it('never visits an airport twice and honours maxStops', () => {
    const graph = new RouteGraph([
      { origin: 'A', destination: 'B', carriers: ['X'] },
      { origin: 'B', destination: 'A', carriers: ['X'] },
      { origin: 'B', destination: 'C', carriers: ['X'] },
      { origin: 'C', destination: 'D', carriers: ['X'] },
    ]);
    expect(graph.paths('A', 'D', 1, flat)).toEqual([]);
    expect(graph.paths('A', 'D', 2, flat)).toEqual([['A', 'B', 'C', 'D']]);
  });
});
