import type { Redis } from 'ioredis';
import type { TagIndex } from './tag-index.js';

/**
 * The index shared by every instance: one Redis set of keys per tag, expiring with the longest
 * entry it names. A failed write or read leaves the invalidation to the local index (the caller
 * combines both), as when Redis is down no other instance can be told anyway.
 */
export class RedisTagIndex implements TagIndex {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}:tag:`;
  }

  async add(key: string, tags: readonly string[], ttlMs: number): Promise<void> {
    if (tags.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const tag of tags) {
      pipeline.sadd(this.#prefix + tag, key);
      // GT keeps the longest life when entries of different TTLs share a tag.
      pipeline.pexpire(this.#prefix + tag, ttlMs, 'GT');
      pipeline.pexpire(this.#prefix + tag, ttlMs, 'NX');
    }
    await pipeline.exec().catch(() => undefined);
  }

  async take(tags: readonly string[]): Promise<string[]> {
    if (tags.length === 0) return [];
    const names = tags.map((tag) => this.#prefix + tag);
    try {
      const result = await this.#redis
        .multi()
        .sunion(...names)
        .del(...names)
        .exec();
      const members = result?.[0]?.[1];
      return Array.isArray(members) ? (members as string[]) : [];
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {}
}

/** Both indexes: the shared one for the cluster, the local one for this process when Redis is away. */
export class CombinedTagIndex implements TagIndex {
  constructor(readonly indexes: readonly TagIndex[]) {}

  async add(key: string, tags: readonly string[], ttlMs: number): Promise<void> {
    await Promise.all(this.indexes.map((index) => index.add(key, tags, ttlMs)));
  }

  async take(tags: readonly string[]): Promise<string[]> {
    const found = await Promise.all(this.indexes.map((index) => index.take(tags)));
    return [...new Set(found.flat())];
  }

  async close(): Promise<void> {
    await Promise.all(this.indexes.map((index) => index.close()));
  }
}
