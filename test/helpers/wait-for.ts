/**
 * Resolves once `check` returns true; rejects after `timeoutMs` with `what` in the message. The bound
 * is generous on purpose: tests assert outcomes, never speed.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Reads again and again (no pause: each read is a request) until the value differs from `initial`
 * or `timeoutMs` passed; answers the last value, how many reads it took and how long since the call.
 * The caller asserts that it changed, so a timeout fails on the assertion, with the value seen.
 */
export async function pollUntilChanged<T>(
  read: () => Promise<T>,
  initial: T,
  timeoutMs = 20_000,
): Promise<{ value: T; polls: number; ms: number }> {
  const started = performance.now();
  let value = initial;
  let polls = 0;
  while (value === initial && performance.now() - started < timeoutMs) {
    value = await read();
    polls++;
  }
  return { value, polls, ms: performance.now() - started };
}
