import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the calling thread's scheduling priority to `niceness`, and only that thread's: on Linux a
 * thread has its own id, which `setpriority` accepts. Why a search thread does it: the kernel shares
 * a core evenly between runnable threads of equal priority, so on a machine with fewer free cores
 * than busy threads a hit waited behind a search's time slice, and the search thread, woken by each
 * task, pre-empted the event loop that serves hits. At niceness 10 a search gets about a tenth of a
 * core the event loop also wants, and all of an idle one.
 *
 * Elsewhere than Linux, if the kernel refuses, or if the thread already runs at that niceness or
 * lower priority, the thread keeps its priority. Returns whether it was lowered. Never call it on the main thread: its id is the process id, whose priority it would
 * change.
 */
export function lowerThreadPriority(niceness: number): boolean {
  if (niceness <= 0) return false;
  try {
    // "/proc/thread-self" links to "<pid>/task/<thread id>" of the thread reading it.
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isSafeInteger(threadId) || threadId <= 0 || threadId === process.pid) return false;
    // Never raised: a process started with `nice` keeps at least the niceness it was given.
    if (getPriority(threadId) >= niceness) return false;
    setPriority(threadId, niceness);
    return true;
  } catch {
    return false;
  }
}
