import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a test starts in front of a real server (PostgreSQL, Redis) so it can take the server
 * away from the code under test without touching the server itself.
 *
 * `reset()` breaks every open connection and keeps forwarding new ones, as a failover, a pgbouncer or
 * load-balancer restart does. `cut()` breaks every open connection and then black-holes new ones: they
 * are accepted but never answered, as a vanished host behind a load balancer would behave, so only the
 * client's own timeouts end them. `restore()` forwards again (a healed partition).
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(server: Server, target: { host: string; port: number }) {
    this.#server = server;
    this.#target = target;
  }

  /** Listens on a free port of 127.0.0.1, forwarding to `target`. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, target);
    server.on('connection', (client) => proxy.#accept(client));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /**
   * Resets every open connection (a TCP RST, so clients read ECONNRESET); new ones are forwarded as
   * before. Answers how many sockets it reset.
   */
  reset(): number {
    const broken = this.#sockets.size;
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
    return broken;
  }

  /** Breaks every connection and black-holes new ones. */
  cut(): void {
    this.#cut = true;
    this.#destroyAll();
  }

  /** Forwards new connections again (black-holed ones are dropped). */
  restore(): void {
    this.#cut = false;
    this.#destroyAll();
  }

  async close(): Promise<void> {
    this.#destroyAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.#track(client);
    client.on('error', () => client.destroy());
    if (this.#cut) return;
    const upstream = createConnection(this.#target);
    this.#track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  #destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }
}
