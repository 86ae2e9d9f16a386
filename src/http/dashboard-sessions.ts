import { randomBytes } from 'node:crypto';

/** How long a dashboard sign-in lasts. */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** Sessions kept at once; the oldest go first beyond it, so memory stays bounded. */
const MAX_SESSIONS = 1_000;

/**
 * Dashboard sign-ins held in this process: a random id (the httpOnly cookie's value) per admin who
 * signed in with the admin key; the key itself is never stored or sent back.
 */
export class DashboardSessions {
  readonly #expiries = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  open(): string {
    const id = randomBytes(32).toString('base64url');
    this.#expiries.set(id, this.#now() + SESSION_TTL_MS);
    if (this.#expiries.size > MAX_SESSIONS)
      this.#expiries.delete(this.#expiries.keys().next().value as string);
    return id;
  }

  /** True while `id` names an open, unexpired session. */
  valid(id: string | undefined): boolean {
    if (id === undefined) return false;
    const expiry = this.#expiries.get(id);
    if (expiry === undefined) return false;
    if (expiry > this.#now()) return true;
    this.#expiries.delete(id);
    return false;
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.#expiries.delete(id);
  }
}
