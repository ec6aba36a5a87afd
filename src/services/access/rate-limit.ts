import Redis from "ioredis";

/**
 * A token bucket per token subject, in query-cost points per minute (SPEC §7 throttle). The bucket
 * holds up to `capacity` points and refills continuously at `capacity` per minute.
 */
export interface ThrottleState {
  allowed: boolean;
  remaining: number;
  capacity: number;
  /** When the request may be retried (ms), 0 when allowed. */
  retryAfterMs: number;
}

export interface RateLimiter {
  take(subject: string, capacity: number, cost: number, nowMs: number): Promise<ThrottleState>;
  close(): Promise<void>;
}

function refill(tokens: number, last: number, capacity: number, nowMs: number): number {
  return Math.min(capacity, tokens + ((nowMs - last) * capacity) / 60_000);
}

/** One process's buckets; fine for a single replica. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();

  async take(subject: string, capacity: number, cost: number, nowMs: number): Promise<ThrottleState> {
    const b = this.buckets.get(subject) ?? { tokens: capacity, last: nowMs };
    const tokens = refill(b.tokens, b.last, capacity, nowMs);
    const allowed = cost <= tokens;
    const left = allowed ? tokens - cost : tokens;
    this.buckets.set(subject, { tokens: left, last: nowMs });
    if (this.buckets.size > 100_000) this.buckets.delete(this.buckets.keys().next().value as string);
    return {
      allowed,
      remaining: Math.floor(left),
      capacity,
      retryAfterMs: allowed ? 0 : Math.ceil(((Math.min(cost, capacity) - left) * 60_000) / capacity),
    };
  }

  async close(): Promise<void> {}
}

/** The same bucket in Redis, so several API replicas share it; atomic through one Lua script. */
const TAKE = `
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', key, 'tokens', 'last')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (math.max(0, now - last) * capacity) / 60000)
local allowed = 0
if cost <= tokens then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'last', tostring(now))
redis.call('PEXPIRE', key, 120000)
return { allowed, tostring(tokens) }
`;

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500, connectTimeout: 2000 });
    this.redis.defineCommand("takeTokens", { numberOfKeys: 1, lua: TAKE });
    // Errors surface on take(); a listener keeps them from crashing the process.
    this.redis.on("error", () => undefined);
  }

  async take(subject: string, capacity: number, cost: number, nowMs: number): Promise<ThrottleState> {
    let reply: [number, string];
    try {
      reply = await this.call(subject, capacity, cost, nowMs);
    } catch {
      // The throttle protects the database; losing Redis must not take the API down with it.
      return { allowed: true, remaining: capacity, capacity, retryAfterMs: 0 };
    }
    const [allowed, tokens] = reply;
    const left = Number(tokens);
    return {
      allowed: allowed === 1,
      remaining: Math.floor(left),
      capacity,
      retryAfterMs: allowed === 1 ? 0 : Math.ceil(((Math.min(cost, capacity) - left) * 60_000) / capacity),
    };
  }

  private async call(subject: string, capacity: number, cost: number, nowMs: number): Promise<[number, string]> {
    return (await (
      this.redis as unknown as { takeTokens(k: string, c: number, n: number, t: number): Promise<[number, string]> }
    ).takeTokens(`margin:throttle:${subject}`, capacity, cost, nowMs)) as [number, string];
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
