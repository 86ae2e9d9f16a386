/** The real Redis the integration tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export const uniquePrefix = (label: string): string =>
  `test:${label}:${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
