import { createHmac, randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../ports/clock.js';
import { TokenSigner } from '../offers/signed-token.js';

/** How long a dashboard sign-in lasts. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** The settings of the store the sign-out marks live in (every process sharing the store reads them). */
export interface SignOutMarks {
  getSetting(name: string): Promise<string | undefined>;
  setSetting(name: string, value: string): Promise<void>;
}

export interface DashboardSessionsOptions {
  /** Signing secrets: the first signs new sessions, every one verifies (rotation). At least one. */
  secrets: readonly string[];
  /** Whether the API key a session was opened with is still valid (revocation ends its sessions). */
  keys: { isActive(keyId: string): Promise<boolean> };
  marks: SignOutMarks;
  clock?: Clock;
  /**
   * How long (ms) a key's state (active, last sign-out) is trusted before the store is asked again:
   * how long a sign-out or revocation on another process takes to end a session there. At most 1000.
   */
  cacheTtlMs?: number;
}

/** A session the cookie proved: who signed in, when, until when. */
export interface DashboardSession {
  /** Random id of this sign-in (logs; never a lookup key). */
  id: string;
  /** The admin API key the session was opened with. */
  keyId: string;
  /** Epoch ms. */
  issuedAt: number;
  /** Epoch ms. */
  expiresAt: number;
}

interface SigningKey {
  /** Names the secret in the cookie, so a rotated-out one is recognised as such. */
  kid: string;
  signer: TokenSigner;
}

interface CookiePayload {
  sid: string;
  key: string;
  iat: number;
  exp: number;
}

const MARK_PREFIX = 'dashboard.signed-out.';
const CACHE_LIMIT = 1_000;
/** Longer cookie values are refused before any work: a signed one is about 150 characters. */
const MAX_COOKIE_LENGTH = 1_024;

function signingKey(secret: string): SigningKey {
  // Derived, so one configured secret can sign several kinds of token without them being interchangeable.
  const key = createHmac('sha256', secret).update('dashboard-sessions').digest();
  return {
    kid: createHmac('sha256', key).update('kid').digest('base64url').slice(0, 8),
    signer: new TokenSigner(key.toString('hex')),
  };
}

/**
 * Dashboard sign-ins as signed, stateless cookies: `kid.` and a TokenSigner token (payload and
 * HMAC-SHA256) of a random session id, the admin key's id, issue and expiry times. Any worker or instance (or Lambda sandbox)
 * holding the secret verifies one without a lookup. Sessions still end before their expiry:
 *
 * - revoking the API key ends its sessions (its state is checked on every request and stream tick);
 * - signing out stores a mark in the store's settings ("sessions of this key issued up to now are
 *   over"), so a copy of the cookie stops working everywhere, not only in the browser that signed out.
 *   A sign-out therefore ends every session of that key: one mark per key keeps the store bounded;
 * - replacing the secrets ends every session at once; rotating keeps the old secret second until
 *   the sessions it signed have expired.
 */
export class DashboardSessions {
  readonly #signing: SigningKey;
  readonly #verifying: ReadonlyMap<string, SigningKey>;
  readonly #keys: DashboardSessionsOptions['keys'];
  readonly #marks: SignOutMarks;
  readonly #clock: Clock;
  readonly #cacheTtlMs: number;
  /** Per key id: sessions issued at or before `endedUpTo` are over (Infinity: the key is not active). */
  readonly #cutoffs = new Map<string, { endedUpTo: number; expiresAt: number }>();

  constructor(options: DashboardSessionsOptions) {
    const [first, ...others] = options.secrets.map(signingKey);
    if (first === undefined) throw new Error('dashboard sessions need at least one secret');
    this.#signing = first;
    this.#verifying = new Map([first, ...others].map((key) => [key.kid, key]));
    this.#keys = options.keys;
    this.#marks = options.marks;
    this.#clock = options.clock ?? systemClock;
    this.#cacheTtlMs = Math.min(options.cacheTtlMs ?? 1000, 1000);
  }

  /** A new session for `keyId` (an admin key that just authenticated), as the cookie's value. */
  open(keyId: string): string {
    const now = this.#clock.now();
    const payload: CookiePayload = {
      sid: randomBytes(16).toString('base64url'),
      key: keyId,
      iat: now,
      exp: now + SESSION_TTL_MS,
    };
    return `${this.#signing.kid}.${this.#signing.signer.sign(payload)}`;
  }

  /** The session `cookie` proves while it is signed, unexpired, its key active and not signed out. */
  async verify(cookie: string | undefined): Promise<DashboardSession | undefined> {
    const session = this.#decode(cookie);
    if (session === undefined || !(await this.isLive(session))) return undefined;
    return session;
  }

  /** Whether `session` (verified once) is still live: unexpired, its key active, not signed out. */
  async isLive(session: DashboardSession): Promise<boolean> {
    return !this.hasEnded(session, await this.endedUpTo(session.keyId));
  }

  /** Whether `session` has expired or is over by `endedUpTo` (what `endedUpTo` said of its key). */
  hasEnded(session: DashboardSession, endedUpTo: number): boolean {
    return session.expiresAt <= this.#clock.now() || session.issuedAt <= endedUpTo;
  }

  /**
   * Sessions of `keyId` issued at or before this epoch ms are over (Infinity once the key is revoked);
   * cached briefly, so checking a thousand streams of one key costs one lookup.
   */
  async endedUpTo(keyId: string): Promise<number> {
    const now = performance.now();
    const cached = this.#cutoffs.get(keyId);
    if (cached !== undefined && cached.expiresAt > now) return cached.endedUpTo;
    const [active, mark] = await Promise.all([
      this.#keys.isActive(keyId),
      this.#marks.getSetting(`${MARK_PREFIX}${keyId}`),
    ]);
    const endedUpTo = active ? Number(mark ?? 0) || 0 : Number.POSITIVE_INFINITY;
    if (this.#cutoffs.size >= CACHE_LIMIT) this.#cutoffs.clear();
    this.#cutoffs.set(keyId, { endedUpTo, expiresAt: now + this.#cacheTtlMs });
    return endedUpTo;
  }

  /** Signs out: every session of the cookie's key issued until now ends, on every process. */
  async close(cookie: string | undefined): Promise<void> {
    const session = this.#decode(cookie);
    if (session === undefined) return;
    const now = Math.max(this.#clock.now(), session.issuedAt);
    await this.#marks.setSetting(`${MARK_PREFIX}${session.keyId}`, String(now));
    this.#cutoffs.delete(session.keyId);
  }

  #decode(cookie: string | undefined): DashboardSession | undefined {
    if (cookie === undefined || cookie.length > MAX_COOKIE_LENGTH) return undefined;
    const dot = cookie.indexOf('.');
    const signing = dot > 0 ? this.#verifying.get(cookie.slice(0, dot)) : undefined;
    const payload: unknown = signing?.signer.verify(cookie.slice(dot + 1));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { sid, key, iat, exp } = payload as Partial<CookiePayload>;
    if (
      typeof sid !== 'string' ||
      typeof key !== 'string' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number'
    )
      return undefined;
    if (exp <= this.#clock.now()) return undefined;
    return { id: sid, keyId: key, issuedAt: iat, expiresAt: exp };
  }
}
