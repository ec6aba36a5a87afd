import Redis from "ioredis";
import { CircuitBreaker, type BreakerState } from "./breaker";

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
  /** Where decisions were taken and what failed, since start (for /metrics); absent for in-process buckets. */
  stats?(): RateLimiterStats;
  /** Called when the shared store's breaker changes state. */
  onBreakerChange?(listener: (state: BreakerState) => void): void;
}

export interface RateLimiterStats {
  /** Decisions taken by the shared store, and by this process's buckets in its stead. */
  decisions: { redis: number; local: number };
  failures: { timeout: number; error: number };
  breaker: BreakerState;
  trips: number;
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

/**
 * The Redis buckets behind a circuit breaker. Losing Redis must neither take the API down nor slow it:
 * a failed or timed-out call opens the breaker, and while it is open no call waits on Redis at all;
 * each decision is taken by this process's own buckets instead (the throttle still holds, per
 * replica), and every `openMs` one probe asks Redis again.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly breaker: CircuitBreaker;
  private readonly local = new MemoryRateLimiter();
  private readonly counts = { redis: 0, local: 0, timeout: 0, error: 0 };
  private readonly prefix: string;

  /**
   * `namespace` names the deployment (db/deployment.ts): its instances share a subject's bucket, and
   * another deployment using the same Redis keeps its own.
   */
  constructor(url: string, opts: { namespace?: string; timeoutMs?: number; openMs?: number; now?: () => number } = {}) {
    this.prefix = `margin:throttle:${opts.namespace === undefined ? "" : `${opts.namespace.slice(0, 200)}:`}`;
    const timeoutMs = opts.timeoutMs ?? 500;
    this.breaker = new CircuitBreaker(opts.openMs ?? 5000, opts.now);
    this.redis = new Redis(url, {
      // A command waits out a reconnection at most once; the breaker does the rest.
      maxRetriesPerRequest: 1,
      commandTimeout: timeoutMs,
      // A Redis that takes longer than a command may to accept a connection is as good as down.
      connectTimeout: timeoutMs,
      disconnectTimeout: timeoutMs,
    });
    this.redis.defineCommand("takeTokens", { numberOfKeys: 1, lua: TAKE });
    // Errors surface on take(); a listener keeps them from crashing the process.
    this.redis.on("error", () => undefined);
  }

  async take(subject: string, capacity: number, cost: number, nowMs: number): Promise<ThrottleState> {
    if (!this.breaker.permit()) return this.fallback(subject, capacity, cost, nowMs);
    let reply: [number, string];
    try {
      reply = await this.call(subject, capacity, cost, nowMs);
    } catch (err) {
      this.counts[/timed out/i.test((err as Error).message) ? "timeout" : "error"] += 1;
      this.breaker.failure();
      return this.fallback(subject, capacity, cost, nowMs);
    }
    this.breaker.success();
    this.counts.redis += 1;
    const [allowed, tokens] = reply;
    const left = Number(tokens);
    return {
      allowed: allowed === 1,
      remaining: Math.floor(left),
      capacity,
      retryAfterMs: allowed === 1 ? 0 : Math.ceil(((Math.min(cost, capacity) - left) * 60_000) / capacity),
    };
  }

  stats(): RateLimiterStats {
    const { redis, local, timeout, error } = this.counts;
    return {
      decisions: { redis, local },
      failures: { timeout, error },
      breaker: this.breaker.state,
      trips: this.breaker.trips,
    };
  }

  onBreakerChange(listener: (state: BreakerState) => void): void {
    this.breaker.onChange(listener);
  }

  private fallback(subject: string, capacity: number, cost: number, nowMs: number): Promise<ThrottleState> {
    this.counts.local += 1;
    return this.local.take(subject, capacity, cost, nowMs);
  }

  private async call(subject: string, capacity: number, cost: number, nowMs: number): Promise<[number, string]> {
    return (await (
      this.redis as unknown as { takeTokens(k: string, c: number, n: number, t: number): Promise<[number, string]> }
    ).takeTokens(`${this.prefix}${subject}`, capacity, cost, nowMs)) as [number, string];
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
