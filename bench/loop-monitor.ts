/**
 * Loaded into a server under test with `--import` (bench/misses.ts): watches the main thread's
 * event loop and, on each SIGUSR2, appends what it saw since the previous signal to the JSON-lines
 * file `LOOP_MONITOR_FILE`, then starts over. A 1 ms timer measures how late it fires: a late
 * firing is a task that held the loop that long (a hit arriving meanwhile waits for it). Each
 * message from a worker thread (a search thread's answer: the server runs no other workers with
 * WORKERS=1) is timed from its arrival to the loop's next check phase: the loop turn that carried
 * the miss (an upper bound: other callbacks of that turn, and time waiting for a CPU, count too).
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const file = process.env.LOOP_MONITOR_FILE;

/**
 * Nanoseconds the main thread has run on a CPU and has spent runnable but waiting for one (Linux
 * schedstat), or zeros elsewhere. CPU time per answer holds whatever else loads the machine; a
 * stall with the thread waiting was the machine's other work, not this thread's.
 */
function mainThreadSchedstat(): { ranNs: number; waitedNs: number } {
  try {
    const [ran, waited] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return { ranNs: Number(ran), waitedNs: Number(waited) };
  } catch {
    return { ranNs: 0, waitedNs: 0 };
  }
}

/** CPU nanoseconds of every other thread of the process (search threads, V8's and libuv's helpers). */
function otherThreadsRanNs(): number {
  try {
    return readdirSync('/proc/self/task')
      .filter((tid) => tid !== String(process.pid))
      .reduce((sum, tid) => {
        try {
          return sum + Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        } catch {
          return sum; // the thread ended meanwhile
        }
      }, 0);
  } catch {
    return 0;
  }
}

if (file) {
  /** A stall shorter than this is not listed one by one (the histogram still has it). */
  const LISTED_MS = 3;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let stalls: number[] = [];
  let answerTurns: number[] = [];
  const emit = Worker.prototype.emit;
  Worker.prototype.emit = function (this: Worker, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'message') return emit.call(this, event, ...args);
    const startedAt = performance.now();
    setImmediate(() => answerTurns.push(performance.now() - startedAt));
    return emit.call(this, event, ...args);
  };
  let elu = performance.eventLoopUtilization();
  let sched = mainThreadSchedstat();
  let others = otherThreadsRanNs();
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
    const now = mainThreadSchedstat();
    const sorted = stalls.sort((a, b) => b - a);
    const over = (ms: number): number => sorted.filter((stall) => stall >= ms).length;
    const turns = answerTurns.sort((a, b) => a - b);
    const turnAt = (q: number): number =>
      turns[Math.min(turns.length - 1, Math.floor(q * turns.length))] ?? 0;
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
        runQueueWaitMs: (now.waitedNs - sched.waitedNs) / 1e6,
        mainCpuMs: (now.ranNs - sched.ranNs) / 1e6,
        otherThreadsCpuMs: (otherThreadsRanNs() - others) / 1e6,
        answers: turns.length,
        answerTurnP50Ms: turnAt(0.5),
        answerTurnP99Ms: turnAt(0.99),
        answerTurnMaxMs: turns.at(-1) ?? 0,
      })}\n`,
    );
    histogram.reset();
    stalls = [];
    answerTurns = [];
    elu = performance.eventLoopUtilization();
    sched = mainThreadSchedstat();
    others = otherThreadsRanNs();
  });
}
