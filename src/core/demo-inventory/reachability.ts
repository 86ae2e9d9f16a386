import type { Airport } from '../../ports/airports.js';
import type { Candidate } from './network.js';

/** Most flights a trip between two of the largest airports may take (two stops). */
const MAX_LEGS = 3;
/** Each round links every airport still short of one; a few rounds settle any network. */
const MAX_REPAIR_ROUNDS = 20;

function neighbours(chosen: ReadonlyMap<string, Candidate>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { a, b } of chosen.values()) {
    if (!graph.has(a.iata)) graph.set(a.iata, new Set());
    if (!graph.has(b.iata)) graph.set(b.iata, new Set());
    graph.get(a.iata)?.add(b.iata);
    graph.get(b.iata)?.add(a.iata);
  }
  return graph;
}

/** Airports reachable from `from` in at most `MAX_LEGS` flights. */
export function reachable(graph: ReadonlyMap<string, ReadonlySet<string>>, from: string): Set<string> {
  const seen = new Set([from]);
  let frontier = [from];
  for (let leg = 0; leg < MAX_LEGS; leg++) {
    const next: string[] = [];
    for (const code of frontier) {
      for (const n of graph.get(code) ?? []) {
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/**
 * Adds markets until every pair of `largest` is at most two stops apart: for a pair that is not,
 * the best of a nonstop, a link from one end to a neighbour of the other, or the reverse.
 */
export function ensureReachability(
  largest: readonly Airport[],
  candidates: readonly Candidate[],
  chosen: Map<string, Candidate>,
  key: (c: { a: Airport; b: Airport }) => string,
): void {
  const byKey = new Map(candidates.map((c) => [key(c), c]));
  const pairKey = (x: string, y: string): string => (x < y ? `${x}-${y}` : `${y}-${x}`);
  for (let round = 0; round < MAX_REPAIR_ROUNDS; round++) {
    const graph = neighbours(chosen);
    let added = false;
    for (const origin of largest) {
      const seen = reachable(graph, origin.iata);
      const missing = largest.find((d) => !seen.has(d.iata));
      if (!missing) continue;
      const options = [
        pairKey(origin.iata, missing.iata),
        ...[...(graph.get(missing.iata) ?? [])].map((n) => pairKey(origin.iata, n)),
        ...[...(graph.get(origin.iata) ?? [])].map((n) => pairKey(n, missing.iata)),
      ]
        .map((k) => byKey.get(k))
        .filter((c): c is Candidate => c !== undefined && !chosen.has(key(c)))
        .sort((x, y) => y.demand - x.demand || key(x).localeCompare(key(y)));
      const best = options[0];
      if (best) {
        chosen.set(key(best), best);
        added = true;
      }
    }
    if (!added) return;
  }
}
