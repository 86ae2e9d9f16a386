import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../composition/platform.js';
import { buildPlatformApp } from '../../composition/platform-app.js';
import { describeDevelopmentKeys } from '../../core/gateway/development-keys.js';
import { seedInventory } from './seed.js';

/**
 * Starts the HTTP server, seeding demo inventory first when the store is empty and seeding is on, and
 * the platform's event relay and cache-invalidation consumer.
 */
export async function serve(platform: Platform): Promise<FastifyInstance> {
  const { config } = platform;
  if (config.seedOnStart === 'true' && (await platform.store.stats()).flights === 0) {
    await seedInventory(
      platform.store,
      platform.airports,
      {
        airports: config.seedAirports,
        days: config.seedDays,
        seed: config.seedValue,
        startDate: new Date().toISOString().slice(0, 10),
      },
      process.stdout,
    );
  }
  // Printed even with the gateway off: they are made on first start only, and would be lost.
  if (platform.gateway.developmentKeys) {
    process.stdout.write(`${describeDevelopmentKeys(platform.gateway.developmentKeys)}\n`);
  }
  const gatewayOn = config.gateway === 'on';
  const app = await buildPlatformApp(platform);
  app.addHook('onClose', async () => platform.close());
  await platform.start();
  if (!gatewayOn) app.log.warn('GATEWAY=off: /v1 routes need no API key and have no rate limits');
  await app.listen({ host: config.host, port: config.port, backlog: LISTEN_BACKLOG });
  return app;
}

/**
 * Connections the kernel may hold for accepting (capped by net.core.somaxconn). Node's default of
 * 511 overflowed when 1,000 clients connected at once: the kernel then drops the handshake's last
 * ACK and the client's first request waits for retransmissions, 1 to 5 s (TcpExtListenOverflows).
 */
export const LISTEN_BACKLOG = 4096;
