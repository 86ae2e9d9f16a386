import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError, CircuitTimeoutError } from '../../src/kernel/circuit-breaker.js';

const fail = () => Promise.reject(new Error('down'));
const succeed = () => Promise.resolve('ok');

/** A breaker on a clock the test moves, with every state change it announces. */
function breakerOn(options: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {}) {
  const clock = { now: 0 };
  const changes: string[] = [];
  const breaker = new CircuitBreaker({
    name: 'dependency',
    openMs: 1000,
    callTimeoutMs: 50,
    now: () => clock.now,
    onStateChange: (state) => changes.push(state),
    ...options,
  });
  return { breaker, clock, changes };
}

describe('the circuit breaker (kernel)', () => {
  it('opens after failures in a row, refuses calls without making them, then closes on a successful probe', async () => {
    const { breaker, clock, changes } = breakerOn({ trip: { consecutiveFailures: 3 } });
    for (let i = 0; i < 3; i++) await expect(breaker.run(fail)).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    let called = false;
    await expect(
      breaker.run(() => {
        called = true;
        return succeed();
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);

    clock.now = 1000;
    expect(breaker.state).toBe('half-open');
    await expect(breaker.run(succeed)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'closed']);
  });

  it('lets one probe through when half-open; a failed probe opens it for another window', async () => {
    const { breaker, clock } = breakerOn({ trip: { consecutiveFailures: 1 } });
    await expect(breaker.run(fail)).rejects.toThrow();
    clock.now = 1000;
    let release: () => void = () => {};
    const probe = breaker.run(() => new Promise<void>((resolve) => (release = resolve)));
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await probe;
    expect(breaker.state).toBe('closed');

    await expect(breaker.run(fail)).rejects.toThrow();
    clock.now = 2000;
    await expect(breaker.run(fail)).rejects.toThrow('down');
    clock.now = 2999;
    expect(breaker.state).toBe('open');
    clock.now = 3000;
    expect(breaker.state).toBe('half-open');
  });

  it('with an error share, judges only a window holding enough calls, and forgets calls past the window', async () => {
    const { breaker, clock } = breakerOn({
      trip: { errorThresholdPercent: 50, volumeThreshold: 4, windowMs: 10_000 },
    });
    await breaker.run(succeed);
    await expect(breaker.run(fail)).rejects.toThrow();
    await expect(breaker.run(fail)).rejects.toThrow();
    // Two failures of three calls: over the share, but under the volume.
    expect(breaker.state).toBe('closed');
    clock.now = 20_000;
    await breaker.run(succeed);
    await breaker.run(succeed);
    await expect(breaker.run(fail)).rejects.toThrow();
    await expect(breaker.run(fail)).rejects.toThrow();
    // Four calls in the window, half failed: not over 50 %.
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(fail)).rejects.toThrow();
    expect(breaker.state).toBe('open');
  });

  it("counts a dependency's answers as successes and a slow call as a failure", async () => {
    const refusal = new Error('offer gone');
    const { breaker } = breakerOn({
      trip: { consecutiveFailures: 2 },
      isAnswer: (error) => error === refusal,
    });
    for (let i = 0; i < 3; i++)
      await expect(breaker.run(() => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(breaker.state).toBe('closed');
    const slow = () => new Promise((resolve) => setTimeout(resolve, 1000));
    await expect(breaker.run(slow)).rejects.toBeInstanceOf(CircuitTimeoutError);
    await expect(breaker.run(slow)).rejects.toBeInstanceOf(CircuitTimeoutError);
    expect(breaker.state).toBe('open');
  });

  it('fails at once while the connection reports itself down', async () => {
    let connected = false;
    const { breaker } = breakerOn({ isConnected: () => connected });
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
    connected = true;
    await expect(breaker.run(succeed)).resolves.toBe('ok');
  });
});
