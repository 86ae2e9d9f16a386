/**
 * Loaded into a server under test with `--import` (bench/misses.ts): watches the main thread's
 * event loop and, on each SIGUSR2, appends what it saw since the previous signal to the JSON-lines
 * file `LOOP_MONITOR_FILE`, then starts over. A 1 ms timer measures how late it fires: a late
 * firing is a task that held the loop that long (a hit arriving meanwhile waits for it).
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const file = process.env.LOOP_MONITOR_FILE;
if (file) {
  /** A stall shorter than this is not listed one by one (the histogram still has it). */
  const LISTED_MS = 3;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let stalls: number[] = [];
  let elu = performance.eventLoopUtilization();
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const stall = now - last - 1;
    if (stall >= LISTED_MS) stalls.push(stall);
    last = now;
  }, 1);
  timer.unref();
  process.on('SIGUSR2', () => {
    const used = performance.eventLoopUtilization(elu);
    const sorted = stalls.sort((a, b) => b - a);
    const over = (ms: number): number => sorted.filter((stall) => stall >= ms).length;
    appendFileSync(
      file,
      `${JSON.stringify({
        delayP50Ms: histogram.percentile(50) / 1e6,
        delayP99Ms: histogram.percentile(99) / 1e6,
        delayMaxMs: histogram.max / 1e6,
        stallsOver5Ms: over(5),
        stallsOver10Ms: over(10),
        stallsOver20Ms: over(20),
        longestStallsMs: sorted.slice(0, 5).map((ms) => Math.round(ms * 10) / 10),
        utilisation: used.utilization,
        activeMs: used.active,
      })}\n`,
    );
    histogram.reset();
    stalls = [];
    elu = performance.eventLoopUtilization();
  });
}
