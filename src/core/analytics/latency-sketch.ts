import * as hdr from 'hdr-histogram-js';

/** Durations are recorded in microseconds, from 1 µs to 1 h, to 2 significant digits (1% error). */
const LOWEST_US = 1;
const HIGHEST_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 2;

/**
 * A mergeable latency distribution (an HDR histogram): percentiles of merged sketches are exact to
 * the sketch's 1% resolution, unlike averages of per-bucket percentiles. About 14 KB in memory,
 * a few hundred bytes encoded.
 */
export class LatencySketch {
  readonly #histogram: hdr.Histogram;

  private constructor(histogram: hdr.Histogram) {
    this.#histogram = histogram;
  }

  static empty(): LatencySketch {
    return new LatencySketch(
      hdr.build({
        lowestDiscernibleValue: LOWEST_US,
        highestTrackableValue: HIGHEST_US,
        numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
        useWebAssembly: false,
      }),
    );
  }

  /** The sketch `encode` wrote; an empty one when `encoded` is not a sketch. */
  static decode(encoded: string): LatencySketch {
    try {
      return new LatencySketch(hdr.decodeFromCompressedBase64(encoded, 32, false));
    } catch {
      return LatencySketch.empty();
    }
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Records one duration; values beyond an hour count as an hour. */
  record(ms: number): void {
    const us = Math.min(HIGHEST_US, Math.max(LOWEST_US, Math.round(ms * 1000)));
    this.#histogram.recordValue(us);
  }

  /** Adds every value of `other` to this sketch. */
  merge(other: LatencySketch): void {
    if (other.count > 0) this.#histogram.add(other.#histogram);
  }

  /** The duration (ms) below which `percentile` % of the values fall; 0 when empty. */
  percentileMs(percentile: number): number {
    if (this.count === 0) return 0;
    return this.#histogram.getValueAtPercentile(percentile) / 1000;
  }

  /** Mean duration (ms); 0 when empty. */
  meanMs(): number {
    return this.count === 0 ? 0 : this.#histogram.mean / 1000;
  }

  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#histogram);
  }
}
