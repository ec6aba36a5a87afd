import { Role } from "../../src/domain/enums";
import { RedisRateLimiter } from "../../src/services/access/rate-limit";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { deadPort, redisFault, type RedisFault } from "../support/redis-faults";
import { startTestServer } from "../support/server";

/**
 * Losing Redis (issue 12, defect 6; the throttle of SPEC §7 under the fault rules of SPEC §10): the
 * throttle fails open fast. A breaker stops asking a dead or hung Redis, decisions are taken by the
 * process's own buckets meanwhile, a probe asks again later, and no execution slot waits on Redis.
 */

const REDIS = new URL(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
const target = { host: REDIS.hostname, port: Number(REDIS.port || 6379) };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe("the Redis throttle behind its breaker (SPEC §10 faults, defect 6: fail open must be fast)", () => {
  let fault: RedisFault | null = null;
  let limiter: RedisRateLimiter | null = null;

  afterEach(async () => {
    await limiter?.close();
    await fault?.close();
    limiter = null;
    fault = null;
  });

  it("a dead Redis (closed port): the first call opens the breaker, the next 200 answer at once from local buckets", async () => {
    limiter = new RedisRateLimiter(`redis://127.0.0.1:${await deadPort()}`, { timeoutMs: 300, openMs: 60_000 });
    const first = await timed(() => limiter!.take("dead-a", 100, 1, Date.now()));
    expect(first.value.allowed).toBe(true);
    const rest = await timed(() =>
      Promise.all(Array.from({ length: 200 }, (_, i) => limiter!.take(`dead-${i}`, 100, 1, Date.now()))),
    );
    expect(rest.value.every((t) => t.allowed)).toBe(true);
    // "At once": none of the 200 went to Redis (counts, not a stopwatch: the machine may be loaded).
    expect(limiter.stats()).toMatchObject({
      decisions: { redis: 0, local: 201 },
      failures: { timeout: expect.any(Number), error: expect.any(Number) },
      breaker: "open",
      trips: 1,
    });
    const { timeout, error } = limiter.stats().failures;
    expect(timeout + error).toBe(1);
  });

  it("a hung Redis (accepts, never answers): one call waits out the timeout, the calls after it do not", async () => {
    fault = await redisFault("hang");
    limiter = new RedisRateLimiter(fault.url, { timeoutMs: 300, openMs: 60_000 });
    const first = await timed(() => limiter!.take("hung-a", 100, 1, Date.now()));
    expect(first.value.allowed).toBe(true);
    // The first call waited out the timeout (counted as one), the 200 after it never asked Redis.
    expect(limiter.stats().failures).toEqual({ timeout: 1, error: 0 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => limiter!.take(`hung-${i}`, 100, 1, Date.now())));
    expect(limiter.stats()).toMatchObject({
      decisions: { redis: 0, local: 201 },
      failures: { timeout: 1, error: 0 },
      breaker: "open",
    });
  });

  it("still throttles on the local buckets while Redis is out", async () => {
    limiter = new RedisRateLimiter(`redis://127.0.0.1:${await deadPort()}`, { timeoutMs: 300, openMs: 60_000 });
    const now = Date.now();
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await limiter.take("local-bucket", 100, 40, now));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, false, false]);
    expect(answers[2].retryAfterMs).toBeGreaterThan(0);
  });

  it("probes again once the breaker has been open for a while: one probe at a time, and closes when Redis answers", async () => {
    fault = await redisFault("hang", target);
    limiter = new RedisRateLimiter(fault.url, { timeoutMs: 300, openMs: 400 });
    await limiter.take(`probe-${process.pid}`, 100, 1, Date.now());
    expect(limiter.stats()).toMatchObject({ breaker: "open", failures: { timeout: 1 } });
    await sleep(450);
    // The first caller after the pause probes (and waits: Redis still hangs); the others do not.
    const probe = timed(() => limiter!.take(`probe-${process.pid}`, 100, 1, Date.now()));
    await sleep(10);
    expect(limiter.stats().breaker).toBe("half-open");
    const redisBefore = limiter.stats().decisions.redis;
    const others = await Promise.all(
      Array.from({ length: 50 }, () => limiter!.take(`probe-${process.pid}`, 100, 1, Date.now())),
    );
    // The others answered from the local buckets while the probe still waited on Redis.
    expect(others).toHaveLength(50);
    expect(limiter.stats().decisions.redis).toBe(redisBefore);
    expect(limiter.stats().breaker).toBe("half-open");
    await probe;
    expect(limiter.stats()).toMatchObject({ breaker: "open", failures: { timeout: 2 }, trips: 2 });

    // Redis answers again: the next probe closes the breaker and decisions go back to Redis.
    fault.set("refuse");
    fault.set("forward");
    await sleep(450);
    const deadline = Date.now() + 10_000;
    while (limiter.stats().breaker !== "closed" && Date.now() < deadline) {
      await limiter.take(`probe-${process.pid}`, 100, 1, Date.now());
      if (limiter.stats().breaker !== "closed") await sleep(450);
    }
    expect(limiter.stats().breaker).toBe("closed");
    const before = limiter.stats().decisions.redis;
    await limiter.take(`probe-${process.pid}`, 100, 1, Date.now());
    expect(limiter.stats().decisions.redis).toBe(before + 1);
  });
});

describe.each(ENGINES.slice(0, 1))("the API with Redis lost (SPEC §10 faults, defect 6)", (engine) => {
  let db: TestDatabase;
  const QUERY = "{ clients(first: 5) { nodes { clientNo } } }";

  beforeAll(async () => {
    db = await engine.create();
    await buildClient(db.ds);
  });

  afterAll(() => db?.drop());

  it.each([
    [
      "dead (closed port)",
      async () => ({ url: `redis://127.0.0.1:${await deadPort()}`, close: async () => undefined }),
    ],
    ["hung (accepts, never answers)", () => redisFault("hang")],
  ])(
    "a %s Redis holds no execution slot: 16 concurrent requests on 1 slot all answer, then every request decides on the local buckets",
    async (_name, make) => {
      const redis = await make();
      const server = await startTestServer(db.ds, undefined, { REDIS_URL: redis.url, MAX_CONCURRENT_REQUESTS: "1" });
      try {
        const token = await server.token(Role.ANALYST, { sub: "outage" });
        // Each request used to hold the one slot while Redis failed or timed out (up to 500 ms), one after the other.
        const burst = await Promise.all(Array.from({ length: 16 }, () => server.gql(token, QUERY)));
        expect(burst.map((r) => r.status)).toEqual(Array(16).fill(200));
        // The breaker is open: nothing waits on Redis any more (below: every one of these decided locally).
        for (let i = 0; i < 40; i += 1) expect((await server.gql(token, QUERY)).status).toBe(200);

        const metrics = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
        expect(metrics).toMatch(/rate_limit_breaker_open 1/);
        expect(metrics).toMatch(/rate_limit_breaker_trips_total [1-9]/);
        const local = /rate_limit_decisions_total\{backend="local"\} (\d+)/.exec(metrics);
        expect(Number(local?.[1])).toBeGreaterThanOrEqual(40);
        expect(metrics).toMatch(/rate_limit_redis_failures_total\{reason="(timeout|error)"\} [1-9]/);
      } finally {
        await server.close();
        await redis.close();
      }
    },
  );
});
