import type { Clock } from '../../src/ports/clock.js';

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }
  /** Jumps to epoch ms `at`. */
  set(at: number): void {
    this.current = at;
  }
}
