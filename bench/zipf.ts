import type { SeededRandom } from '../src/core/demo-inventory/random.js';

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^skew: a few items are hot
 * and the tail is long, as in real search traffic. The cumulative distribution is computed once,
 * so each draw is one binary search.
 */
export class ZipfSampler {
  readonly #cumulative: Float64Array;
  readonly #random: SeededRandom;

  constructor(n: number, skew: number, random: SeededRandom) {
    if (n < 1) throw new Error('a Zipf distribution needs at least one item');
    this.#random = random;
    this.#cumulative = new Float64Array(n);
    let total = 0;
    for (let rank = 0; rank < n; rank++) {
      total += 1 / (rank + 1) ** skew;
      this.#cumulative[rank] = total;
    }
    for (let rank = 0; rank < n; rank++) this.#cumulative[rank] = (this.#cumulative[rank] as number) / total;
  }

  /** The next rank, 0 being the most popular. */
  next(): number {
    const u = this.#random.next();
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#cumulative[middle] as number) < u) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** A seeded Fisher–Yates shuffle, so which items are hot is random but the same on every run. */
export function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
