import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DataSource } from "typeorm";
import type { RateLimiter, RateLimiterStats } from "../services/access/rate-limit";
import type { LiveEnd, LiveFeedObserver, LiveKind } from "../services/events/live-feed";
import type { JobOutcome, JobRunObserver, ScheduledJobName } from "../services/scheduling/scheduler";

/** An operation name that may be a label as it is (the rest count as `other`). */
const OPERATION_NAME = /^[A-Za-z0-9_]{1,64}$/;
/** Distinct operation names kept as labels; later ones count as `other`. */
export const MAX_OPERATION_LABELS = 200;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,47}$/;

/**
 * Prometheus metrics: requests and latency by operation and outcome, errors by code, refusals,
 * pool state, event-loop lag. `/metrics` is unauthenticated, so every label is bounded (SPEC §10):
 * a client cannot grow it by naming operations.
 */
export class Metrics implements JobRunObserver, LiveFeedObserver {
  readonly registry = new Registry();
  readonly requests: Counter<"operation" | "outcome">;
  readonly latency: Histogram<"operation" | "outcome">;
  readonly errors: Counter<"code">;
  readonly refusals: Counter<"status" | "code" | "route">;
  readonly sqlStatements: Histogram<"operation">;
  readonly scheduledJobRuns: Counter<"job" | "outcome">;
  readonly scheduledJobLastSuccess: Gauge<"job">;
  /** SPEC §12 subscriptions: open sockets and subscriptions, refusals by reason, messages sent. */
  readonly wsConnections: Gauge;
  readonly wsSubscriptions: Gauge;
  readonly wsRefusals: Counter<"reason">;
  readonly wsMessages: Counter;
  readonly liveDelivered: Counter<"kind">;
  readonly liveDropped: Counter<"reason">;
  readonly liveDelivery: Histogram;
  readonly liveExecutions: Counter;
  private readonly operations = new Set<string>();

  constructor(ds: DataSource, rateLimiter?: RateLimiter) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    this.requests = new Counter({
      name: "graphql_requests_total",
      help: "GraphQL requests by operation name and outcome",
      labelNames: ["operation", "outcome"],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: "graphql_request_duration_seconds",
      help: "GraphQL request latency by operation name and outcome",
      labelNames: ["operation", "outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: "graphql_errors_total",
      help: "GraphQL errors by the extensions.code the client received",
      labelNames: ["code"],
      registers: [this.registry],
    });
    this.refusals = new Counter({
      name: "http_refusals_total",
      help: "Requests refused at the edge (401, 403, 413, 429, 431) by status, code and route",
      labelNames: ["status", "code", "route"],
      registers: [this.registry],
    });
    this.sqlStatements = new Histogram({
      name: "graphql_sql_statements",
      help: "SQL statements per GraphQL request",
      labelNames: ["operation"],
      buckets: [0, 1, 2, 4, 6, 8, 12, 20, 50, 100],
      registers: [this.registry],
    });
    this.scheduledJobRuns = new Counter({
      name: "scheduled_job_runs_total",
      help: "Runs of the daily jobs (SCHEDULE_JOBS) by job and outcome: success, skipped (already run for the day), failure",
      labelNames: ["job", "outcome"],
      registers: [this.registry],
    });
    this.scheduledJobLastSuccess = new Gauge({
      name: "scheduled_job_last_success_timestamp_seconds",
      help: "When each daily job last ran successfully on this instance (Unix seconds)",
      labelNames: ["job"],
      registers: [this.registry],
    });
    this.wsConnections = new Gauge({
      name: "graphql_ws_connections",
      help: "Open subscription sockets (acknowledged connection_init)",
      registers: [this.registry],
    });
    this.wsSubscriptions = new Gauge({
      name: "graphql_ws_subscriptions",
      help: "Running subscriptions",
      registers: [this.registry],
    });
    this.wsRefusals = new Counter({
      name: "graphql_ws_refusals_total",
      help: "Sockets and subscriptions refused or cut, by reason (unauthorized, token_expired, connections_per_subject, subscriptions_per_connection, too_slow, http_<status>)",
      labelNames: ["reason"],
      registers: [this.registry],
    });
    this.wsMessages = new Counter({
      name: "graphql_ws_messages_total",
      help: "Subscription events sent to subscribers",
      registers: [this.registry],
    });
    this.liveDelivered = new Counter({
      name: "live_events_delivered_total",
      help: "Committed events handed to subscribers on this instance, by subscription kind (one per subscriber)",
      labelNames: ["kind"],
      registers: [this.registry],
    });
    this.liveDropped = new Counter({
      name: "live_events_dropped_total",
      help: "Live deliveries given up, by reason: overflow (a subscriber fell behind), shutdown, publish_failed (Redis refused the publish), backlog (events waiting for their rows past the bound)",
      labelNames: ["reason"],
      registers: [this.registry],
    });
    this.liveExecutions = new Counter({
      name: "live_executions_total",
      help: "Subscription executions: one per event and class of subscribers sharing its document and view (roles, branch), however many receive it",
      registers: [this.registry],
    });
    this.liveDelivery = new Histogram({
      name: "live_delivery_seconds",
      help: "From an event's commit to its message leaving for a subscriber (includes the feed's read, Redis and the subscriber's execution)",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers: [this.registry],
    });
    if (rateLimiter?.stats) this.rateLimiterMetrics(() => rateLimiter.stats?.());
    new Gauge({
      name: "db_pool_connections",
      help: "Database pool connections by state (MySQL; SQLite has one connection)",
      labelNames: ["state"],
      registers: [this.registry],
      collect() {
        const pool = (
          ds.driver as unknown as {
            pool?: {
              _allConnections?: { length: number };
              _freeConnections?: { length: number };
              _connectionQueue?: { length: number };
            };
          }
        ).pool;
        if (!pool) {
          this.set({ state: "total" }, ds.isInitialized ? 1 : 0);
          return;
        }
        const all = pool._allConnections?.length ?? 0;
        const free = pool._freeConnections?.length ?? 0;
        this.set({ state: "total" }, all);
        this.set({ state: "idle" }, free);
        this.set({ state: "busy" }, all - free);
        this.set({ state: "waiting" }, pool._connectionQueue?.length ?? 0);
      },
    });
  }

  /**
   * The label of an operation: its name when it is `[A-Za-z0-9_]{1,64}` and one of the first
   * MAX_OPERATION_LABELS distinct names seen, else `other`; `anonymous` without a name.
   */
  operationLabel(name: string | null | undefined): string {
    if (name === null || name === undefined || name === "") return "anonymous";
    if (!OPERATION_NAME.test(name)) return "other";
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS) return "other";
    this.operations.add(name);
    return name;
  }

  /** Counts one error by the code its client received; returns that code (a bounded label). */
  countError(code: unknown): string {
    const label = typeof code === "string" && ERROR_CODE.test(code) ? code : "OTHER";
    this.errors.inc({ code: label });
    return label;
  }

  /** Counts one scheduled run (services/scheduling/scheduler.ts). */
  scheduledJobRun(job: ScheduledJobName, outcome: JobOutcome, finishedAt: Date): void {
    this.scheduledJobRuns.inc({ job, outcome });
    if (outcome === "success") this.scheduledJobLastSuccess.set({ job }, finishedAt.getTime() / 1000);
  }

  /** The limiter keeps its own running totals; each scrape adds what they grew by since the last. */
  delivered(kind: LiveKind, count: number): void {
    this.liveDelivered.inc({ kind }, count);
  }

  dropped(reason: LiveEnd | "publish_failed" | "backlog"): void {
    this.liveDropped.inc({ reason });
  }

  private rateLimiterMetrics(read: () => RateLimiterStats | undefined): void {
    const seen = new Map<string, number>();
    const grow = (counter: Counter<string>, labels: Record<string, string>, total: number) => {
      const key = JSON.stringify(labels);
      const delta = total - (seen.get(key) ?? 0);
      if (delta > 0) counter.inc(labels, delta);
      seen.set(key, total);
    };
    new Counter({
      name: "rate_limit_decisions_total",
      help: "Throttle decisions by where they were taken: the shared Redis buckets, or this process's own while Redis is out",
      labelNames: ["backend"],
      registers: [this.registry],
      collect() {
        const s = read();
        if (!s) return;
        grow(this, { backend: "redis" }, s.decisions.redis);
        grow(this, { backend: "local" }, s.decisions.local);
      },
    });
    new Counter({
      name: "rate_limit_redis_failures_total",
      help: "Calls to Redis that failed, by reason (each opens the breaker)",
      labelNames: ["reason"],
      registers: [this.registry],
      collect() {
        const s = read();
        if (!s) return;
        grow(this, { reason: "timeout" }, s.failures.timeout);
        grow(this, { reason: "error" }, s.failures.error);
      },
    });
    new Counter({
      name: "rate_limit_breaker_trips_total",
      help: "Times the Redis breaker opened",
      registers: [this.registry],
      collect() {
        const s = read();
        if (s) grow(this as Counter<string>, {}, s.trips);
      },
    });
    new Gauge({
      name: "rate_limit_breaker_open",
      help: "1 while the Redis breaker is open or probing (Redis is not asked), 0 when closed",
      registers: [this.registry],
      collect() {
        const s = read();
        if (s) this.set(s.breaker === "closed" ? 0 : 1);
      },
    });
  }
}
