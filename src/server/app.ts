import http from "node:http";
import { randomUUID } from "node:crypto";
import { ApolloServer, HeaderMap, type BaseContext } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { createLoaders } from "../loaders";
import { jitGateway } from "./executor";
import { Gate } from "./gate";
import type { Context } from "../schema/context";
import { createFormatError } from "../schema/errors";
import { estimateCost, MAX_ALIASES, MAX_DEPTH } from "../schema/cost";
import { GraphQLError } from "graphql";
import { Metrics } from "./metrics";
import { observeTransactionRetries } from "./transaction-metrics";
import { EdgeRefusals, HttpError, readBody, sendJson, errorBody, type Route } from "./edge";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Role } from "../domain/enums";
import { hasAnyRole } from "../services/access/viewer";
import { segmentRef } from "../services/fit/catalogue";
import { membershipPredicate } from "../services/read/segment-sql";
import { csvEncoder, gatherChunks, segmentMemberStream, type ExportRow } from "../services/read/segment-export";

const EXPORT_ROLES = [Role.ANALYST, Role.RISK_OFFICER, Role.COMPLIANCE, Role.ADMIN];
import { bearerToken, verifyToken } from "../services/access/tokens";
import { branchScope } from "../services/access/viewer";
import type { Services } from "../services";
import { DomainError } from "../errors";
import { withSqlTally } from "../db/sql-counter";

export { MAX_BODY_BYTES } from "./edge";

export interface App {
  server: http.Server;
  apollo: ApolloServer<Context>;
  /** What graphql-jit compiled and what graphql-js ran instead; null when GRAPHQL_EXECUTOR=graphql-js. */
  executorStats(): { compiled: number; fallbacks: number; cached: number } | null;
  /** Requests being handled (any route), GraphQL operations running and waiting for a slot. */
  load(): { inFlight: number; active: number; queued: number };
  /**
   * Stops accepting, lets every request already received finish (up to SHUTDOWN_GRACE_MS, then cuts
   * the connections), then stops Apollo; the caller closes the pools after it resolves.
   */
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestObservation {
  requestId: string;
  status: number;
  sqlStatements: number;
  ms: number;
}

export async function createApp(opts: {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  /** Called after each GraphQL request (metrics, tests). */
  observe?: (o: RequestObservation) => void;
}): Promise<App> {
  const { schema, services, logger } = opts;
  const { config } = services;

  const metrics = new Metrics(services.dataSource, services.rateLimiter);
  const stopObservingRetries = observeTransactionRetries(metrics.registry, services.dataSource, logger);
  const refusals = new EdgeRefusals(metrics, logger);
  services.rateLimiter.onBreakerChange?.((state) => {
    const message = "rate limiter: Redis breaker";
    if (state === "open") logger.warn({ state }, `${message} open, throttling on this process's buckets`);
    else logger.info({ state }, `${message} ${state}`);
  });
  const gate = new Gate(config.maxConcurrentRequests, config.maxQueuedRequests);
  const jit = config.graphqlExecutor === "jit" ? jitGateway(schema) : null;
  const apollo = new ApolloServer<Context>({
    ...(jit === null ? { schema } : { gateway: jit.gateway }),
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    // Apollo's own warnings as structured lines, like every other line the service writes.
    logger: logger.child({ component: "apollo" }),
    allowBatchedHttpRequests: false,
    // main.ts owns SIGTERM/SIGINT (finish in-flight requests, then close the pools); a second handler
    // inside Apollo would make stop() run twice and hang.
    stopOnTerminationSignals: false,
    // No automatic persisted queries: every request carries its document.
    persistedQueries: false,
    formatError: createFormatError(config.production, schema),
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart() {
          return {
            // The cost rule (SPEC §7): before any resolver runs.
            async didResolveOperation({ document, operationName, operation, request, contextValue, schema: s }) {
              const cost = estimateCost(s, document, operationName, request.variables ?? {});
              contextValue.meta.operationName = metrics.operationLabel(operation?.name?.value);
              contextValue.meta.cost = { requestedNodes: cost.requestedNodes, limit: config.maxQueryNodes };
              const refuse = (message: string) =>
                new GraphQLError(message, {
                  extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 }, cost: contextValue.meta.cost },
                });
              if (cost.depth > MAX_DEPTH) throw refuse(`The query is ${cost.depth} levels deep; at most ${MAX_DEPTH}`);
              if (cost.aliases > MAX_ALIASES)
                throw refuse(`The query uses ${cost.aliases} aliases; at most ${MAX_ALIASES}`);
              if (cost.requestedNodes > config.maxQueryNodes) {
                throw refuse(`The query may return ${cost.requestedNodes} nodes; at most ${config.maxQueryNodes}`);
              }
              const v = contextValue.viewer;
              const capacity = Math.max(...v.roles.map((r) => config.rateLimitByRole[r] ?? config.rateLimitPerMinute));
              // Redis is another process: no execution slot waits on it.
              const throttle = await contextValue.outsideSlot(() =>
                services.rateLimiter.take(v.subject, capacity, Math.max(1, cost.requestedNodes), Date.now()),
              );
              contextValue.meta.cost = {
                ...contextValue.meta.cost,
                throttle: { capacity: throttle.capacity, remaining: throttle.remaining },
              };
              if (!throttle.allowed) {
                const seconds = Math.ceil(throttle.retryAfterMs / 1000);
                throw new GraphQLError(`Rate limit reached: retry in ${seconds} s`, {
                  extensions: {
                    code: "THROTTLED",
                    retryAfterMs: throttle.retryAfterMs,
                    cost: contextValue.meta.cost,
                    http: { status: 429, headers: new HeaderMap([["retry-after", String(seconds)]]) },
                  },
                });
              }
            },
            async willSendResponse({ response, contextValue }) {
              // Counted as the client receives them: after formatError, which gives every error its code.
              if (response.body.kind === "single") {
                contextValue.meta.errorCodes = (response.body.singleResult.errors ?? []).map((e) =>
                  metrics.countError(e.extensions?.code),
                );
              }
              if (response.body.kind === "single" && contextValue.meta.cost) {
                response.body.singleResult.extensions = {
                  ...response.body.singleResult.extensions,
                  cost: contextValue.meta.cost,
                };
              }
            },
            async didEncounterErrors({ contextValue, errors }) {
              for (const err of errors) {
                const original = err.originalError;
                const expected =
                  original instanceof DomainError || (err.extensions?.code !== undefined && original === undefined);
                if (!expected && !(original && "extensions" in original)) {
                  logger.error(
                    { requestId: contextValue.requestId, err: original?.message ?? err.message, path: err.path },
                    "unexpected error",
                  );
                }
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  async function handleGraphQL(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, url: URL) {
    const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
      metrics.countError(code);
      refusals.refuse(res, status, code, message, headers);
    };
    const method = (req.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "POST") {
      refuse(405, "METHOD_NOT_ALLOWED", "Use GET or POST", { allow: "GET, POST" });
      return;
    }
    const token = bearerToken(req.headers.authorization);
    if (token === null) {
      refuse(401, "UNAUTHENTICATED", "A bearer token is required", { "www-authenticate": "Bearer" });
      return;
    }
    let viewer;
    try {
      viewer = await verifyToken(config.authJwtSecret, token);
    } catch (err) {
      refuse(401, "UNAUTHENTICATED", (err as Error).message, { "www-authenticate": "Bearer" });
      return;
    }
    const raw = method === "POST" ? await readBody(req) : "";
    let body: unknown = undefined;
    if (method === "POST") {
      try {
        body = JSON.parse(raw);
      } catch {
        refuse(400, "BAD_REQUEST", "The body is not valid JSON");
        return;
      }
      if (Array.isArray(body)) {
        refuse(400, "BATCHING_NOT_SUPPORTED", "Send one operation per request");
        return;
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    const scope = branchScope(viewer);
    const tally = { statements: 0 };
    const started = process.hrtime.bigint();
    const meta: Context["meta"] = {};
    const admitted = await gate.run(async () => {
      // A client that went away while its request waited for a slot is not worth the work.
      if (req.socket.destroyed) return null;
      const context: Context = {
        requestId,
        viewer,
        scope,
        loaders: createLoaders(services.reader, scope, () => services.clock.now()),
        services,
        clock: services.clock,
        outsideSlot: (wait) => gate.outside(wait),
        meta,
      };
      return withSqlTally(tally, () =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method, headers, search: url.search, body },
          context: async () => context,
        }),
      );
    });
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    if (admitted === null) {
      metrics.requests.inc({ operation: "unknown", outcome: "refused" });
      refuse(503, "SERVER_BUSY", "Too many requests are waiting; retry shortly", { "retry-after": "1" });
      logger.warn(
        { requestId, status: 503, queued: gate.queued, ms: ms(), subject: viewer.subject },
        "graphql request refused: the queue is full",
      );
      return;
    }
    if (admitted.value === null) {
      metrics.requests.inc({ operation: "unknown", outcome: "abandoned" });
      logger.info(
        { requestId, ms: ms(), subject: viewer.subject },
        "graphql request dropped: the client left while it waited",
      );
      return;
    }
    const response = admitted.value;
    for (const [k, v] of response.headers) res.setHeader(k, v);
    if (closing) res.setHeader("connection", "close");
    res.statusCode = response.status ?? 200;
    // Apollo refuses a malformed request before its plugins run: its errors are counted from the body.
    if (meta.errorCodes === undefined && res.statusCode >= 400 && response.body.kind === "complete") {
      meta.errorCodes = errorCodesOf(response.body.string).map((code) => metrics.countError(code));
    }
    if (res.statusCode >= 400) refusals.note(res, meta.errorCodes?.[0] ?? "UNKNOWN", viewer.subject);
    if (response.body.kind === "complete") {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
    const observation = { requestId, status: res.statusCode, sqlStatements: tally.statements, ms: ms() };
    const operation = meta.operationName ?? "anonymous";
    const outcome = res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "refused" : "ok";
    metrics.requests.inc({ operation, outcome });
    metrics.latency.observe({ operation, outcome }, observation.ms / 1000);
    metrics.sqlStatements.observe({ operation }, tally.statements);
    logger.info({ ...observation, operation, subject: viewer.subject }, "graphql request");
    opts.observe?.(observation);
  }

  /** GET /export/segments/{code}/members?format=ndjson|csv — streamed, no personal data (SPEC §8). */
  async function handleExport(req: http.IncomingMessage, res: http.ServerResponse, code: string, url: URL) {
    if ((req.method ?? "GET").toUpperCase() !== "GET") {
      refusals.refuse(res, 405, "METHOD_NOT_ALLOWED", "Use GET", { allow: "GET" });
      return;
    }
    const token = bearerToken(req.headers.authorization);
    let viewer;
    try {
      if (token === null) throw new Error("missing");
      viewer = await verifyToken(config.authJwtSecret, token);
    } catch {
      refusals.refuse(res, 401, "UNAUTHENTICATED", "A valid bearer token is required", {
        "www-authenticate": "Bearer",
      });
      return;
    }
    if (!hasAnyRole(viewer, EXPORT_ROLES)) {
      refusals.refuse(res, 403, "FORBIDDEN", "You are not allowed to do this", {}, viewer.subject);
      return;
    }
    const format = url.searchParams.get("format") ?? "ndjson";
    if (format !== "ndjson" && format !== "csv") {
      refusals.refuse(res, 400, "BAD_USER_INPUT", "format must be ndjson or csv");
      return;
    }
    let segmentCode: string | null;
    try {
      segmentCode = decodeURIComponent(code);
    } catch {
      segmentCode = null;
    }
    const segment =
      segmentCode !== null && /^[A-Za-z0-9_-]{1,32}$/.test(segmentCode)
        ? await services.reader.segmentByCode(segmentCode)
        : null;
    if (segment === null) {
      refusals.refuse(res, 404, "NOT_FOUND", "No such segment");
      return;
    }
    const active = (await services.reader.segments(true)).map(segmentRef);
    const membership = membershipPredicate(segmentRef(segment), active);
    const rows = await segmentMemberStream(services.exportSource, segment.code, membership, branchScope(viewer));
    res.writeHead(200, {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="segment-${segment.code}-members.${format}"`,
    });
    const encode =
      format === "csv"
        ? csvEncoder()
        : new Transform({
            writableObjectMode: true,
            transform(row: ExportRow, _enc, cb) {
              cb(null, `${JSON.stringify(row)}\n`);
            },
          });
    try {
      await pipeline(rows, encode, gatherChunks(), res);
    } catch (err) {
      // A client that goes away ends the pipeline, which releases the database connection.
      if (!res.destroyed) logger.warn({ err: (err as Error).message }, "export aborted");
    }
  }

  // Requests whose handler has not returned yet: the pools must outlive them. The server's own close
  // callback is not enough, as a client may hang up while its request is still being worked on.
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | null = null;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    inFlight += 1;
    // Keep-alive clients learn to reconnect elsewhere once shutdown has begun.
    if (closing) res.setHeader("connection", "close");
    try {
      await route(req, res);
    } finally {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", requestId);
    const url = new URL(req.url ?? "/", "http://localhost");
    const exportMatch = /^\/export\/segments\/([^/]+)\/members$/.exec(url.pathname);
    const name: Route = exportMatch
      ? "export"
      : url.pathname === "/graphql"
        ? "graphql"
        : url.pathname === "/metrics"
          ? "metrics"
          : url.pathname === "/healthz" || url.pathname === "/readyz"
            ? "health"
            : "other";
    try {
      if (exportMatch) {
        await handleExport(req, res, exportMatch[1], url);
        return;
      }
      switch (url.pathname) {
        case "/graphql":
          await handleGraphQL(req, res, requestId, url);
          return;
        case "/metrics":
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(await metrics.registry.metrics());
          return;
        case "/healthz":
          sendJson(res, 200, { status: "ok" });
          return;
        case "/readyz": {
          const ready = await services.health.ready();
          sendJson(res, ready.ok ? 200 : 503, ready);
          return;
        }
        default:
          sendJson(res, 404, errorBody("NOT_FOUND", "No such route"));
      }
    } catch (err) {
      if (err instanceof HttpError) {
        if (name === "graphql") metrics.countError(err.code);
        if (!res.headersSent) refusals.refuse(res, err.status, err.code, err.message, { connection: "close" });
        return;
      }
      logger.error({ requestId, err: (err as Error).message }, "request failed");
      if (!res.headersSent) sendJson(res, 500, errorBody("INTERNAL_SERVER_ERROR", "Internal server error"));
      else res.end();
    } finally {
      refusals.settle(res, requestId, name, (req.method ?? "GET").toUpperCase().slice(0, 16));
    }
  }

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => refusals.clientError(err, socket));
  server.keepAliveTimeout = 5000;

  return {
    server,
    apollo,
    executorStats: () => jit?.stats() ?? null,
    load: () => ({ inFlight, active: gate.active, queued: gate.queued }),
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const finished = new Promise<void>((resolve) => (drained = resolve));
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), config.shutdownGraceMs);
        });
        const timedOut = await Promise.race([finished.then(() => false), expired]);
        clearTimeout(timer);
        if (timedOut) {
          logger.warn({ inFlight, graceMs: config.shutdownGraceMs }, "shutdown: cutting requests still in flight");
          server.closeAllConnections();
        }
      }
      // Nothing is being handled now: what connections remain are idle (or half-closed by a client
      // that left), and waiting for their keep-alive to lapse would only delay the exit.
      server.closeAllConnections();
      await closed;
      await apollo.stop();
      await services.rateLimiter.close();
      stopObservingRetries();
    },
  };
}

export type { BaseContext };

/** The codes of an error body Apollo answered by itself (always small: no data in it). */
function errorCodesOf(body: string): unknown[] {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return Array.isArray(parsed.errors) ? parsed.errors.map((e) => e?.extensions?.code) : [];
  } catch {
    return [];
  }
}
