import type { Redis } from 'ioredis';

/**
 * Closes an ioredis connection without waiting on a dead server. While connected it sends QUIT, so
 * replies still due arrive first, bounded by `timeoutMs`; otherwise (Redis down: the client is
 * reconnecting) it disconnects at once. ioredis queues a QUIT sent while reconnecting until the
 * server is back or its retries run out — seconds, growing with the length of the outage — which
 * made a shutdown with Redis down wait out its whole grace period.
 */
export async function closeRedis(connection: Redis, timeoutMs = 1000): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([connection.quit().catch(() => 'failed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome !== 'OK') connection.disconnect();
}
