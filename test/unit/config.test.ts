import os from "node:os";
import { ConfigError, DEV_JWT_SECRET, loadConfig } from "../../src/config";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");
const PRODUCTION_KEYS = {
  DATA_KEYS: `k2:${KEY_B},k1:${KEY_A}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 3).toString("base64"),
};

describe("configuration (SPEC §1)", () => {
  it("has the documented defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 4000,
      databaseUrl: "sqlite:./data/margin.sqlite",
      databaseReplicaUrls: [],
      authJwtSecret: DEV_JWT_SECRET,
      seedDemo: true,
      maxQueryNodes: 50000,
      riskDisclosureVersion: "2026-01",
      assessmentValidityDays: 730,
      logLevel: "info",
      graphqlExecutor: "jit",
      maxConcurrentRequests: 4,
      maxQueuedRequests: 2000,
      heapGrowingPercent: 100,
    });
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["DATABASE_URL", "postgres://x/y"],
    ["DATABASE_REPLICA_URLS", "sqlite:./x"],
    ["SEED_DEMO", "maybe"],
    ["MAX_QUERY_NODES", "0"],
    ["ASSESSMENT_VALIDITY_DAYS", "-3"],
    ["LOG_LEVEL", "loud"],
    ["AUTH_JWT_SECRET", "short"],
    ["RISK_DISCLOSURE_VERSION", "has spaces"],
    ["GRAPHQL_EXECUTOR", "fast"],
    ["MAX_CONCURRENT_REQUESTS", "0"],
    ["MAX_QUEUED_REQUESTS", "-1"],
    ["SHUTDOWN_GRACE_MS", "soon"],
    ["HEAP_GROWING_PERCENT", "5000"],
  ])("refuses a bad %s and names it", (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });

  it("requires AUTH_JWT_SECRET in production and does not seed there by default", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow("AUTH_JWT_SECRET");
    const c = loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: "x".repeat(40), ...PRODUCTION_KEYS });
    expect(c.seedDemo).toBe(false);
    expect(c.production).toBe(true);
  });

  it("SPEC §14: DATA_KEYS and BLIND_INDEX_KEY are required in production, validated, and never repeated in the message", () => {
    const secret = { NODE_ENV: "production", AUTH_JWT_SECRET: "x".repeat(40) };
    expect(() => loadConfig({ ...secret, BLIND_INDEX_KEY: PRODUCTION_KEYS.BLIND_INDEX_KEY })).toThrow("DATA_KEYS");
    expect(() => loadConfig({ ...secret, DATA_KEYS: PRODUCTION_KEYS.DATA_KEYS })).toThrow("BLIND_INDEX_KEY");
    const ring = loadConfig({ ...secret, ...PRODUCTION_KEYS }).keyRing;
    expect(ring.currentVersion).toBe("k2");
    expect(ring.versions).toEqual(["k2", "k1"]);
    // Development: fixed keys, so a database seeded once opens on every start.
    expect(loadConfig({}).keyRing.currentVersion).toBe("dev1");
    const short = Buffer.alloc(16, 7).toString("base64");
    for (const bad of ["k1", `k1:${short}`, `bad-version:${KEY_A}`, `k1:${KEY_A},k1:${KEY_B}`, `k1:not base64!`]) {
      let message = "";
      try {
        loadConfig({ DATA_KEYS: bad });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^Invalid configuration: DATA_KEYS /);
      expect(message).not.toContain(KEY_A);
      expect(message).not.toContain(short);
    }
    expect(() => loadConfig({ BLIND_INDEX_KEY: short })).toThrow("BLIND_INDEX_KEY");
  });

  it("accepts mysql URLs and replica lists", () => {
    const c = loadConfig({
      DATABASE_URL: "mysql://root@127.0.0.1:3306/margin",
      DATABASE_REPLICA_URLS: "mysql://ro@127.0.0.1:3307/margin, mysql://ro@127.0.0.1:3308/margin",
    });
    expect(c.databaseReplicaUrls).toHaveLength(2);
  });
  it("WORKERS: 1 by default, a number, or auto (the CPUs this process may use); above 1 only on MySQL with Redis", () => {
    const shared = { DATABASE_URL: "mysql://root@127.0.0.1:3306/margin", REDIS_URL: "redis://127.0.0.1:6379" };
    expect(loadConfig({})).toMatchObject({ workers: 1, workerSlot: 1 });
    expect(loadConfig({ ...shared, WORKERS: "3" }).workers).toBe(3);
    expect(loadConfig({ ...shared, WORKERS: "auto" }).workers).toBe(os.availableParallelism());
    expect(loadConfig({ ...shared, WORKERS: "2", MARGIN_WORKER_SLOT: "2" }).workerSlot).toBe(2);
    expect(() => loadConfig({ ...shared, WORKERS: "2", MARGIN_WORKER_SLOT: "3" })).toThrow("MARGIN_WORKER_SLOT");
    for (const bad of ["0", "many", "257"]) {
      expect(() => loadConfig({ ...shared, WORKERS: bad })).toThrow("WORKERS");
    }
    expect(() => loadConfig({ WORKERS: "2", REDIS_URL: shared.REDIS_URL })).toThrow(
      "WORKERS above 1 needs a mysql:// DATABASE_URL",
    );
    expect(() => loadConfig({ WORKERS: "2", DATABASE_URL: "sqlite::memory:" })).toThrow(ConfigError);
    expect(() => loadConfig({ WORKERS: "2", DATABASE_URL: shared.DATABASE_URL })).toThrow(
      "WORKERS above 1 needs REDIS_URL",
    );
    expect(loadConfig({ WORKERS: "1", DATABASE_URL: shared.DATABASE_URL }).workers).toBe(1);
  });
});
