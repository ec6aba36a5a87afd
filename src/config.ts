/**
 * The only reader of process.env. Validated once at start: a bad value stops the start with a
 * message naming the variable (SPEC §1).
 */

import os from "node:os";
import { Role } from "./domain/enums";
import { DataKeyConfigError, DEV_BLIND_INDEX_KEY, DEV_DATA_KEYS, KeyRing } from "./crypto/sealing";

const ROLES: readonly string[] = Object.values(Role);

/** SPEC §12: when the daily jobs run, Asia/Shanghai. */
export const DEFAULT_JOBS_AT = "17:30";

export const DEV_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef";

export interface Config {
  nodeEnv: string;
  production: boolean;
  port: number;
  databaseUrl: string;
  databaseReplicaUrls: string[];
  authJwtSecret: string;
  seedDemo: boolean;
  /** GET /graphiql serves GraphiQL (SPEC §11): outside production, or with GRAPHIQL=true. */
  graphiql: boolean;
  /**
   * Test fault injection, refused in production: the process kills itself right after a keyed
   * mutation commits, before answering (FAULT_EXIT_AFTER_COMMIT=true), to prove replays are safe.
   */
  faultExitAfterCommit: boolean;
  /** SPEC §10 deadline: a GraphQL operation still running after this many ms is cancelled (503 TIMEOUT). */
  requestTimeoutMs: number;
  /** SPEC §11: origins whose browser pages may call the API (CORS); none by default. */
  corsOrigins: ReadonlySet<string>;
  /** Human-readable logs through pino-pretty (LOG_PRETTY=true); development only. */
  logPretty: boolean;
  maxQueryNodes: number;
  riskDisclosureVersion: string;
  assessmentValidityDays: number;
  /** SPEC §14: years after its exit a CLOSED client is de-identified by `npm run retention` (RETENTION_YEARS, default 20). */
  retentionYears: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Shared throttle buckets when set; in-process buckets otherwise. */
  redisUrl: string | null;
  /** SPEC §12: with it, the outbox relay publishes committed events to RabbitMQ (exchange margin.events). */
  eventsAmqpUrl: string | null;
  /** SPEC §12: run processMaturities, scheduleReviews and snapshotSegments each trading day at jobsAt (Asia/Shanghai). */
  scheduleJobs: boolean;
  /** JOBS_AT, "HH:MM" Asia/Shanghai (UTC+8), as hour and minute. */
  jobsAt: { hour: number; minute: number };
  /** Query-cost points per minute per token subject, and per-role overrides. */
  rateLimitPerMinute: number;
  rateLimitByRole: Partial<Record<string, number>>;
  /** How long a request may wait for the database before it fails as SERVICE_UNAVAILABLE. */
  dbTimeoutMs: number;
  /** How operations execute: compiled by graphql-jit (default) or interpreted by graphql-js. */
  graphqlExecutor: "jit" | "graphql-js";
  /**
   * Client pages (`clients`, `Segment.members`) built in one pass from their selection set
   * (resolvers/planned/); false answers every page field by field. Both give the same JSON.
   */
  readPlanner: boolean;
  /** GraphQL operations executed at once; further ones wait (up to maxQueuedRequests, then 503). */
  maxConcurrentRequests: number;
  maxQueuedRequests: number;
  /** On SIGTERM, how long requests already received may take to finish before connections are cut. */
  shutdownGraceMs: number;
  /**
   * V8's old-generation growing factor, as (1 + percent/100); 0 keeps V8's own (up to 4× the live
   * heap between full collections).
   */
  heapGrowingPercent: number;
  /** SPEC §12: subscriptions one WebSocket may hold at once (MAX_SUBSCRIPTIONS_PER_CONNECTION, default 20). */
  maxSubscriptionsPerConnection: number;
  /** SPEC §12: WebSockets one token subject may hold on an instance (MAX_WS_CONNECTIONS_PER_SUBJECT, default 10). */
  maxWsConnectionsPerSubject: number;
  /** SPEC §12: bytes waiting on a socket past which its subscriber is cut as too slow (WS_MAX_BUFFERED_BYTES, 1 MiB). */
  wsMaxBufferedBytes: number;
  /** SPEC §12: events a subscriber may have waiting before it is cut as too slow (LIVE_QUEUE_LIMIT, default 256). */
  liveQueueLimit: number;
  /**
   * SPEC §14: DATA_KEYS (`version:base64key,…`, the first encrypts) and BLIND_INDEX_KEY, as the key
   * ring personal data is sealed and looked up with; required in production, development keys otherwise.
   */
  keyRing: KeyRing;
  /**
   * WORKERS: server processes sharing the port (node:cluster); 1 runs no cluster. Above 1 needs a
   * MySQL/MariaDB DATABASE_URL (SQLite is one process's database) and REDIS_URL (shared buckets,
   * persisted queries and subscription fan-out).
   */
  workers: number;
  /**
   * Which worker this process is (1…workers), set by the cluster's primary in MARGIN_WORKER_SLOT; 1
   * without a cluster. Worker 1 alone runs migrations first, the demo seed, the scheduler and the relay.
   */
  workerSlot: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = "ConfigError";
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, "must be a whole number");
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const v = raw.trim().toLowerCase();
  if (["true", "1", "yes"].includes(v)) return true;
  if (["false", "0", "no"].includes(v)) return false;
  throw new ConfigError(name, "must be true or false");
}

export function validateDatabaseUrl(name: string, url: string, allowSqlite = true): string {
  if (allowSqlite && /^sqlite:.+/.test(url)) return url;
  if (/^mysql:\/\/[^/\s]+\/[A-Za-z0-9_$-]+(\?.*)?$/.test(url)) return url;
  throw new ConfigError(
    name,
    allowSqlite ? "must be sqlite:<file>, sqlite::memory: or mysql://user:pass@host:port/db" : "must be mysql:// URLs",
  );
}

/** WORKERS: a whole number (1–256) or `auto`, the number of CPUs this process may use. */
function workersSetting(env: NodeJS.ProcessEnv): number {
  const raw = (env.WORKERS ?? "").trim().toLowerCase();
  if (raw === "auto") return Math.max(1, Math.min(256, os.availableParallelism()));
  return integer(env, "WORKERS", 1, 1, 256);
}

/** SPEC §14: the data keys and the blind-index key; both required in production, as the JWT secret is. */
function keyRingOf(env: NodeJS.ProcessEnv, production: boolean): KeyRing {
  const dataKeys = (env.DATA_KEYS ?? "").trim();
  const blindKey = (env.BLIND_INDEX_KEY ?? "").trim();
  if (production && dataKeys === "") throw new ConfigError("DATA_KEYS", "is required when NODE_ENV=production");
  if (production && blindKey === "") throw new ConfigError("BLIND_INDEX_KEY", "is required when NODE_ENV=production");
  try {
    return KeyRing.fromStrings(dataKeys || DEV_DATA_KEYS, blindKey || DEV_BLIND_INDEX_KEY);
  } catch (err) {
    if (err instanceof DataKeyConfigError) {
      throw new ConfigError(err.variable, err.message.slice(err.variable.length + 1));
    }
    throw err;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? "development";
  const production = nodeEnv === "production";

  const secret = env.AUTH_JWT_SECRET;
  if (production && (secret === undefined || secret === "")) {
    throw new ConfigError("AUTH_JWT_SECRET", "is required when NODE_ENV=production");
  }
  if (secret !== undefined && secret !== "" && secret.length < 32) {
    throw new ConfigError("AUTH_JWT_SECRET", "must be at least 32 characters");
  }

  const replicas = (env.DATABASE_REPLICA_URLS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((u) => validateDatabaseUrl("DATABASE_REPLICA_URLS", u, false));

  const corsOrigins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "");
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      throw new ConfigError("CORS_ORIGINS", "must be comma-separated origins like https://app.example.com");
    }
  }

  const logPretty = boolean(env, "LOG_PRETTY", false);
  if (logPretty && production) throw new ConfigError("LOG_PRETTY", "is for development only: production logs are JSON");

  const logLevel = (env.LOG_LEVEL ?? "info").trim();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}`);
  }

  const disclosure = (env.RISK_DISCLOSURE_VERSION ?? "2026-01").trim();
  if (!/^[A-Za-z0-9._-]{1,32}$/.test(disclosure)) {
    throw new ConfigError("RISK_DISCLOSURE_VERSION", "must be 1-32 letters, digits, dots, dashes or underscores");
  }

  const redisUrl = (env.REDIS_URL ?? "").trim();
  if (redisUrl !== "" && !/^rediss?:\/\/[^\s]+$/.test(redisUrl))
    throw new ConfigError("REDIS_URL", "must be redis://host:port");
  const amqpUrl = (env.EVENTS_AMQP_URL ?? "").trim();
  if (amqpUrl !== "" && !/^amqps?:\/\/[^\s]+$/.test(amqpUrl))
    throw new ConfigError("EVENTS_AMQP_URL", "must be amqp://user:password@host:port");
  const byRole: Partial<Record<string, number>> = {};
  for (const part of (env.RATE_LIMIT_ROLES ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const m = /^([A-Z_]{1,32})=(\d{1,10})$/.exec(part);
    if (!m || !ROLES.includes(m[1])) throw new ConfigError("RATE_LIMIT_ROLES", "must be ROLE=points[,ROLE=points…]");
    byRole[m[1]] = Number(m[2]);
  }

  const jobsAtRaw = (env.JOBS_AT ?? "").trim() || DEFAULT_JOBS_AT;
  const jobsAt = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(jobsAtRaw);
  if (!jobsAt) throw new ConfigError("JOBS_AT", "must be HH:MM (24-hour, Asia/Shanghai), e.g. 17:30");

  const executor = (env.GRAPHQL_EXECUTOR ?? "jit").trim();
  if (executor !== "jit" && executor !== "graphql-js") {
    throw new ConfigError("GRAPHQL_EXECUTOR", "must be jit or graphql-js");
  }

  const planner = (env.READ_PLANNER ?? "on").trim();
  if (planner !== "on" && planner !== "off") throw new ConfigError("READ_PLANNER", "must be on or off");

  const databaseUrl = validateDatabaseUrl("DATABASE_URL", (env.DATABASE_URL ?? "sqlite:./data/margin.sqlite").trim());
  const workers = workersSetting(env);
  if (workers > 1 && databaseUrl.startsWith("sqlite:")) {
    throw new ConfigError(
      "WORKERS",
      "above 1 needs a mysql:// DATABASE_URL: SQLite is one process's database (set WORKERS=1 or use MariaDB)",
    );
  }
  if (workers > 1 && redisUrl === "") {
    throw new ConfigError(
      "WORKERS",
      "above 1 needs REDIS_URL: the workers share throttle buckets, persisted queries and subscription events through Redis",
    );
  }

  const keyRing = keyRingOf(env, production);

  return {
    workers,
    workerSlot: integer(env, "MARGIN_WORKER_SLOT", 1, 1, workers),
    graphqlExecutor: executor,
    readPlanner: planner === "on",
    maxConcurrentRequests: integer(env, "MAX_CONCURRENT_REQUESTS", 4, 1, 10_000),
    maxSubscriptionsPerConnection: integer(env, "MAX_SUBSCRIPTIONS_PER_CONNECTION", 20, 1, 1000),
    maxWsConnectionsPerSubject: integer(env, "MAX_WS_CONNECTIONS_PER_SUBJECT", 10, 1, 10_000),
    wsMaxBufferedBytes: integer(env, "WS_MAX_BUFFERED_BYTES", 1_048_576, 1024, 1_073_741_824),
    liveQueueLimit: integer(env, "LIVE_QUEUE_LIMIT", 256, 1, 100_000),
    maxQueuedRequests: integer(env, "MAX_QUEUED_REQUESTS", 2000, 0, 1_000_000),
    shutdownGraceMs: integer(env, "SHUTDOWN_GRACE_MS", 20_000, 0, 600_000),
    heapGrowingPercent: integer(env, "HEAP_GROWING_PERCENT", 100, 0, 1000),
    keyRing,
    redisUrl: redisUrl === "" ? null : redisUrl,
    eventsAmqpUrl: amqpUrl === "" ? null : amqpUrl,
    scheduleJobs: boolean(env, "SCHEDULE_JOBS", false),
    jobsAt: { hour: Number(jobsAt[1]), minute: Number(jobsAt[2]) },
    rateLimitPerMinute: integer(env, "RATE_LIMIT_PER_MINUTE", 500_000, 1, 1_000_000_000),
    rateLimitByRole: byRole,
    dbTimeoutMs: integer(env, "DB_TIMEOUT_MS", 5000, 100, 120_000),
    nodeEnv,
    production,
    port: integer(env, "PORT", 4000, 0, 65535),
    databaseUrl,
    databaseReplicaUrls: replicas,
    authJwtSecret: secret !== undefined && secret !== "" ? secret : DEV_JWT_SECRET,
    seedDemo: boolean(env, "SEED_DEMO", !production),
    graphiql: boolean(env, "GRAPHIQL", !production),
    faultExitAfterCommit: !production && boolean(env, "FAULT_EXIT_AFTER_COMMIT", false),
    requestTimeoutMs: integer(env, "REQUEST_TIMEOUT_MS", 30_000, 100, 600_000),
    corsOrigins: new Set(corsOrigins),
    logPretty,
    maxQueryNodes: integer(env, "MAX_QUERY_NODES", 50000, 1, 100_000_000),
    riskDisclosureVersion: disclosure,
    assessmentValidityDays: integer(env, "ASSESSMENT_VALIDITY_DAYS", 730, 1, 3650),
    retentionYears: integer(env, "RETENTION_YEARS", 20, 1, 100),
    logLevel: logLevel as Config["logLevel"],
  };
}
