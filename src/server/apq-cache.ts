import { ErrorsAreMissesCache, type KeyValueCache, type KeyValueCacheSetOptions } from "@apollo/utils.keyvaluecache";
import Redis from "ioredis";

/**
 * Automatic persisted queries shared by every instance (SPEC §11): Apollo's cache interface over
 * Redis. A Redis that is down or slow is a cache miss (the client then sends the document again),
 * never an error and never a wait of more than the command timeout.
 */
class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttl = options?.ttl;
    if (typeof ttl === "number" && ttl > 0) await this.redis.set(this.prefix + key, value, "EX", Math.ceil(ttl));
    else await this.redis.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<boolean | void> {
    await this.redis.del(this.prefix + key);
  }
}

export interface PersistedQueryCache {
  cache: KeyValueCache<string>;
  close(): Promise<void>;
}

export function redisPersistedQueryCache(url: string, timeoutMs = 250): PersistedQueryCache {
  const redis = new Redis(url, {
    lazyConnect: false,
    // While not connected every command fails at once (a miss): no request waits for the connection,
    // so connecting may take its time on a busy instance instead of giving up and retrying 2 s later.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: 2_000,
    retryStrategy: () => 2000,
  });
  // Connection errors are reported through misses; the event must have a listener to not crash.
  redis.on("error", () => undefined);
  return {
    cache: new ErrorsAreMissesCache(new RedisKeyValueCache(redis, "margin:apq:")),
    async close() {
      redis.disconnect();
    },
  };
}
