import Redis from "ioredis";
import { deploymentName } from "../../src/db/deployment";
import { Role } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const QUERY = "{ clients(first: 40) { nodes { clientNo } } }";

describe.each(ENGINES.slice(0, 1))("the rate limit (SPEC §7)", (engine) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await engine.create();
    await buildClient(db.ds);
  });

  afterAll(() => db?.drop());

  it("spends cost points from a per-subject bucket and answers 429 THROTTLED with a retry hint when empty", async () => {
    const server = await startTestServer(db.ds, undefined, {
      RATE_LIMIT_PER_MINUTE: "100",
      RATE_LIMIT_ROLES: "ADMIN=1000",
    });
    try {
      const analyst = await server.token(Role.ANALYST, { sub: "bucket-a" });
      const first = await server.gql(analyst, QUERY);
      expect((first.body as { extensions?: { cost?: unknown } }).extensions?.cost).toEqual({
        requestedNodes: 40,
        limit: 50000,
        throttle: { capacity: 100, remaining: 60 },
      });
      await server.gql(analyst, QUERY);
      const res = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${analyst}` },
        body: JSON.stringify({ query: QUERY }),
      });
      const body = (await res.json()) as { errors: { extensions: { code: string; retryAfterMs: number } }[] };
      expect(res.status).toBe(429);
      expect(body.errors[0].extensions.code).toBe("THROTTLED");
      expect(body.errors[0].extensions.retryAfterMs).toBeGreaterThan(0);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      // another subject, and a role with its own allowance, are unaffected
      const other = await server.gql(await server.token(Role.ANALYST, { sub: "bucket-b" }), QUERY);
      expect(other.status).toBe(200);
      const admin = await server.gql(await server.token(Role.ADMIN, { sub: "bucket-admin" }), QUERY);
      expect(
        (admin.body as { extensions: { cost: { throttle: { capacity: number } } } }).extensions.cost.throttle.capacity,
      ).toBe(1000);
    } finally {
      await server.close();
    }
  });

  it("shares one bucket between two API instances through Redis", async () => {
    const redis = new Redis(REDIS_URL);
    const subject = `shared-${process.pid}-${Date.now()}`;
    const key = `margin:throttle:${deploymentName(db.ds)}:${subject}`;
    await redis.del(key);
    const env = { RATE_LIMIT_PER_MINUTE: "100", REDIS_URL };
    const one: TestServer = await startTestServer(db.ds, undefined, env);
    const two: TestServer = await startTestServer(db.ds, undefined, env);
    try {
      const token = await one.token(Role.ANALYST, { sub: subject });
      expect((await one.gql(token, QUERY)).status).toBe(200);
      expect((await two.gql(token, QUERY)).status).toBe(200);
      const third = await one.gql(token, QUERY);
      expect(third.status).toBe(429);
      expect(third.body.errors?.[0].extensions?.code).toBe("THROTTLED");
      expect(Number(await redis.hget(key, "tokens"))).toBeLessThan(40);
    } finally {
      await one.close();
      await two.close();
      await redis.del(key);
      redis.disconnect();
    }
  });

  it("keeps two deployments' buckets apart when they share one Redis (named after their databases)", async () => {
    const elsewhere = await engine.create();
    expect(deploymentName(elsewhere.ds)).not.toBe(deploymentName(db.ds));
    const subject = `apart-${process.pid}-${Date.now()}`;
    const env = { RATE_LIMIT_PER_MINUTE: "100", REDIS_URL };
    const one: TestServer = await startTestServer(db.ds, undefined, env);
    const other: TestServer = await startTestServer(elsewhere.ds, undefined, env);
    const redis = new Redis(REDIS_URL);
    try {
      const token = await one.token(Role.ANALYST, { sub: subject });
      expect((await one.gql(token, QUERY)).status).toBe(200);
      expect((await one.gql(token, QUERY)).status).toBe(200);
      expect((await one.gql(token, QUERY)).status).toBe(429);
      // The same subject on the other deployment starts with a full bucket of its own.
      const there = await other.gql(token, QUERY);
      expect(there.status).toBe(200);
      expect((there.body as { extensions: { cost: { throttle: unknown } } }).extensions.cost.throttle).toEqual({
        capacity: 100,
        remaining: 60,
      });
    } finally {
      await one.close();
      await other.close();
      await redis.del(`margin:throttle:${deploymentName(db.ds)}:${subject}`);
      await redis.del(`margin:throttle:${deploymentName(elsewhere.ds)}:${subject}`);
      redis.disconnect();
      await elsewhere.drop();
    }
  });
});
