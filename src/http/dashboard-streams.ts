import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { DashboardSession, DashboardSessions } from '../core/gateway/dashboard-sessions.js';

export interface DashboardStreamsOptions {
  /** The snapshot of one scope (what its viewers may see), computed once per tick for all of them. */
  snapshot(scope: string): Promise<unknown>;
  /** Re-checked each tick: one `endedUpTo` per key, then `hasEnded` per viewer. */
  sessions: Pick<DashboardSessions, 'endedUpTo' | 'hasEnded'>;
  intervalMs: number;
  /** Streams this process keeps open at once. */
  maxStreams: number;
  log: FastifyBaseLogger;
}

/** One open stream: its socket and the session that opened it, nothing else. */
interface Viewer {
  raw: ServerResponse;
  session: DashboardSession;
}

/** The viewers of one scope, the timer that feeds them and the frame they were last sent. */
interface Channel {
  viewers: Set<Viewer>;
  timer: NodeJS.Timeout;
  /** The last frame sent and when (monotonic ms), for viewers joining before the next tick. */
  last: { frame: Buffer; at: number } | undefined;
  /** The frame being computed, which joiners and the tick wait for instead of computing again. */
  computing: Promise<Buffer> | undefined;
  /** A tick is running: the next one, if it comes first (a slow store), is skipped, not doubled. */
  ticking: boolean;
}

const FAILURE_FRAME = Buffer.from(
  `event: failure\ndata: ${JSON.stringify({ message: 'analytics unavailable' })}\n\n`,
);

/**
 * The live dashboard's Server-Sent Events, shared: every stream of a scope is fed by one timer, one
 * snapshot computation and one serialisation per tick, whose bytes are written to each socket, so a
 * thousand viewers cost what one does plus the writes. A viewer whose socket has not drained the
 * previous frame skips this one rather than queueing it, so a slow reader holds at most one frame.
 * Sessions are re-checked each tick (one lookup per key, not per viewer): a sign-out or a revoked key
 * ends its streams.
 */
export class DashboardStreams {
  readonly #o: DashboardStreamsOptions;
  readonly #channels = new Map<string, Channel>();
  #open = 0;
  #computed = 0;

  constructor(options: DashboardStreamsOptions) {
    this.#o = options;
  }

  /** Streams open now, every scope together. */
  get open(): number {
    return this.#open;
  }

  /** Snapshots computed since start, every scope together (one per scope per tick, whatever the viewers). */
  get computed(): number {
    return this.#computed;
  }

  /** Whether another stream may open. */
  get hasRoom(): boolean {
    return this.#open < this.#o.maxStreams;
  }

  /**
   * Feeds `raw` (its SSE headers already written) the snapshots of `scope` until it closes or its
   * session ends; resolves once the first frame was written.
   */
  async add(scope: string, raw: ServerResponse, session: DashboardSession): Promise<void> {
    if (raw.destroyed) return;
    const channel = this.#channel(scope);
    const viewer: Viewer = { raw, session };
    channel.viewers.add(viewer);
    this.#open += 1;
    raw.once('close', () => this.#remove(scope, channel, viewer));
    const recent = channel.last !== undefined && channel.last.at > performance.now() - this.#o.intervalMs;
    const frame = recent && channel.last ? channel.last.frame : await this.#frame(scope, channel);
    this.#write(viewer, frame);
  }

  /** Ends every stream (the server is closing). */
  closeAll(): void {
    for (const channel of this.#channels.values()) {
      clearInterval(channel.timer);
      for (const viewer of channel.viewers) viewer.raw.end();
    }
  }

  #channel(scope: string): Channel {
    const existing = this.#channels.get(scope);
    if (existing !== undefined) return existing;
    const channel: Channel = {
      viewers: new Set(),
      timer: setInterval(() => void this.#tick(scope, channel), this.#o.intervalMs),
      last: undefined,
      computing: undefined,
      ticking: false,
    };
    this.#channels.set(scope, channel);
    return channel;
  }

  #remove(scope: string, channel: Channel, viewer: Viewer): void {
    if (!channel.viewers.delete(viewer)) return;
    this.#open -= 1;
    if (channel.viewers.size > 0) return;
    clearInterval(channel.timer);
    this.#channels.delete(scope);
  }

  async #tick(scope: string, channel: Channel): Promise<void> {
    if (channel.ticking) return;
    channel.ticking = true;
    try {
      await this.#endFinishedSessions(channel);
      if (channel.viewers.size === 0) return;
      const frame = await this.#frame(scope, channel);
      for (const viewer of channel.viewers) this.#write(viewer, frame);
    } finally {
      channel.ticking = false;
    }
  }

  /** Ends the streams whose session expired, was signed out or whose key was revoked. */
  async #endFinishedSessions(channel: Channel): Promise<void> {
    const keyIds = new Set([...channel.viewers].map((viewer) => viewer.session.keyId));
    const cutoffs = new Map<string, number>();
    for (const keyId of keyIds) {
      try {
        cutoffs.set(keyId, await this.#o.sessions.endedUpTo(keyId));
      } catch (error) {
        // The store cannot say: keep the streams (their frames will say analytics is unavailable).
        this.#o.log.warn({ err: error }, 'dashboard session check failed');
      }
    }
    for (const viewer of channel.viewers) {
      const cutoff = cutoffs.get(viewer.session.keyId) ?? Number.NEGATIVE_INFINITY;
      if (this.#o.sessions.hasEnded(viewer.session, cutoff)) viewer.raw.end();
    }
  }

  /** The scope's next frame, computed and serialised once however many wait for it. */
  #frame(scope: string, channel: Channel): Promise<Buffer> {
    channel.computing ??= this.#compute(scope).then((frame) => {
      channel.last = { frame, at: performance.now() };
      channel.computing = undefined;
      return frame;
    });
    return channel.computing;
  }

  async #compute(scope: string): Promise<Buffer> {
    this.#computed += 1;
    try {
      const snapshot = await this.#o.snapshot(scope);
      return Buffer.from(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
    } catch (error) {
      this.#o.log.warn({ err: error }, 'dashboard snapshot failed');
      return FAILURE_FRAME;
    }
  }

  #write(viewer: Viewer, frame: Buffer): void {
    const { raw } = viewer;
    if (raw.destroyed || raw.writableEnded || raw.writableNeedDrain) return;
    raw.write(frame);
  }
}
