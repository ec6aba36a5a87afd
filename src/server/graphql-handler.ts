import type http from "node:http";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { Cancellation, withCancellation } from "../db/cancellation";
import { withSqlTally } from "../db/sql-counter";
import { createLoaders } from "../loaders";
import type { Context } from "../schema/context";
import { createFormatError } from "../schema/errors";
import type { Services } from "../services";
import { AccessTrailUnavailableError } from "../services/access/access-trail";
import { branchScope } from "../services/access/policy";
import { AccessTrail } from "../services/access/trail";
import { authenticate } from "./authenticate";
import { redisPersistedQueryCache } from "./apq-cache";
import { endWith } from "./compress";
import { readBody, type EdgeRefusals } from "./edge";
import { jitGateway } from "./executor";
import type { Gate } from "./gate";
import type { Metrics } from "./metrics";
import { costThrottlePlugin } from "./plugins/cost-throttle";
import { observeErrorsPlugin } from "./plugins/observe-errors";
import { Idempotency, isMutationRequest, type Answer } from "./idempotency";

export interface RequestObservation {
  requestId: string;
  status: number;
  sqlStatements: number;
  /** Client pages and `client` reads answered by the read planner (resolvers/planned/) rather than field by field. */
  plannedPages: number;
  ms: number;
}

export interface GraphQLHandler {
  apollo: ApolloServer<Context>;
  executorStats(): { compiled: number; fallbacks: number; cached: number } | null;
  /** POST or GET /graphql: authentication, the body, a slot of the gate, Apollo, metrics and the log line. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, url: URL): Promise<void>;
  /** Stops Apollo and closes the persisted-query cache's connection. */
  stop(): Promise<void>;
}

export async function createGraphQLHandler(opts: {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  metrics: Metrics;
  refusals: EdgeRefusals;
  gate: Gate;
  /** True once shutdown has begun: keep-alive clients are told to reconnect elsewhere. */
  closing(): boolean;
  observe?: (o: RequestObservation) => void;
}): Promise<GraphQLHandler> {
  const { schema, services, logger, metrics, refusals, gate } = opts;
  const { config } = services;
  const jit = config.graphqlExecutor === "jit" ? jitGateway(schema) : null;
  const apq = config.redisUrl ? redisPersistedQueryCache(config.redisUrl) : null;
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
    // Automatic persisted queries (SPEC §11): documents by hash, in Redis when REDIS_URL is set so
    // every instance knows them, in this process's bounded memory otherwise; kept a day.
    persistedQueries: { ttl: 86_400, ...(apq ? { cache: apq.cache } : {}) },
    formatError: createFormatError(config.production, schema),
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      observeErrorsPlugin(metrics, logger),
      costThrottlePlugin(config, services.rateLimiter),
    ],
  });
  await apollo.start();
  const idempotency = new Idempotency(services.dataSource, services.clock, {
    exitAfterCommit: config.faultExitAfterCommit,
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, url: URL) {
    const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
      metrics.countError(code);
      refusals.refuse(res, status, code, message, headers);
    };
    // HEAD is a GET whose body Node leaves out (SPEC §11).
    const asked = (req.method ?? "GET").toUpperCase();
    const method = asked === "HEAD" ? "GET" : asked;
    if (method !== "GET" && method !== "POST") {
      refuse(405, "METHOD_NOT_ALLOWED", "Use GET, HEAD or POST", { allow: "GET, HEAD, POST" });
      return;
    }
    // A browser opening /graphql (a page, no query, no token) is sent to the IDE that asks for one.
    const accept = req.headers.accept ?? "";
    if (
      method === "GET" &&
      config.graphiql &&
      !url.search &&
      !req.headers.authorization &&
      accept.includes("text/html")
    ) {
      res.writeHead(302, { location: "/graphiql" });
      res.end();
      return;
    }
    const auth = await authenticate(req, config.authJwtSecret);
    if ("refused" in auth) {
      const message = auth.refused === "missing" ? "A bearer token is required" : auth.reason;
      refuse(401, "UNAUTHENTICATED", message, { "www-authenticate": "Bearer" });
      return;
    }
    const { viewer } = auth;
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
    // SPEC §10 deadline: past REQUEST_TIMEOUT_MS, or once the client has gone, the work is cancelled
    // (its SQL killed, its transactions rolled back) and the answer is 503 TIMEOUT, on time.
    const cancellation = new Cancellation();
    const deadline = setTimeout(() => cancellation.cancel("timeout"), config.requestTimeoutMs);
    const onClose = () => {
      if (!res.writableFinished) cancellation.cancel("client-gone");
    };
    res.on("close", onClose);
    const work = gate.run(async () => {
      // A client that went away while its request waited for a slot is not worth the work.
      if (req.socket.destroyed || cancellation.reason !== null) return null;
      const context: Context = {
        requestId,
        viewer,
        scope,
        loaders: createLoaders(services.batchReads, scope, () => services.clock.now()),
        services,
        clock: services.clock,
        outsideSlot: (wait) => gate.outside(wait),
        meta,
        trail: new AccessTrail(viewer, requestId),
      };
      // SPEC §14: what the response carries in clear is recorded (one INSERT) before it is sent; a
      // keyed mutation's record commits with its request transaction. When the record cannot be
      // written the response is withheld (AccessTrailUnavailableError → 503 below).
      const execute = () =>
        withCancellation(cancellation, () =>
          withSqlTally(tally, async () => {
            const response = await apollo.executeHTTPGraphQLRequest({
              httpGraphQLRequest: { method, headers, search: url.search, body },
              context: async () => context,
            });
            await services.accessTrail.write(context.trail);
            return response;
          }),
        );
      try {
        // A keyed mutation runs in one request transaction with its stored answer (SPEC §10 retries).
        const key = req.headers["idempotency-key"];
        if (typeof key !== "string" || method !== "POST" || !isMutationRequest(body)) return await execute();
        return fromAnswer(await idempotency.handle(viewer.subject, key, raw, async () => toAnswer(await execute())));
      } catch (err) {
        if (!(err instanceof AccessTrailUnavailableError)) throw err;
        logger.error(
          { requestId, subject: viewer.subject, err: err.reason },
          "access trail not written: response withheld",
        );
        meta.errorCodes = [metrics.countError(err.extensionCode)];
        return trailRefusal(err);
      }
    });
    const first = await Promise.race([work, cancellation.whenCancelled()]);
    clearTimeout(deadline);
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    if (typeof first === "string") {
      const outcome = first === "timeout" ? "timeout" : "abandoned";
      metrics.requests.inc({ operation: meta.operationName ?? "unknown", outcome });
      if (first === "timeout" && !res.headersSent) {
        refuse(503, "TIMEOUT", "The request ran past its deadline and was cancelled; nothing was written", {
          "retry-after": "1",
        });
      }
      logger.warn({ requestId, reason: first, ms: ms(), subject: viewer.subject }, "graphql request cancelled");
      // The request stays in flight (for the drain on shutdown) until its cancelled work has stopped.
      await work.catch(() => undefined);
      res.off("close", onClose);
      return;
    }
    res.off("close", onClose);
    const admitted = first;
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
    if (opts.closing()) res.setHeader("connection", "close");
    res.statusCode = response.status ?? 200;
    // Apollo refuses a malformed request before its plugins run: its errors are counted from the body.
    if (meta.errorCodes === undefined && res.statusCode >= 400 && response.body.kind === "complete") {
      meta.errorCodes = errorCodesOf(response.body.string).map((code) => metrics.countError(code));
    }
    if (res.statusCode >= 400) refusals.note(res, meta.errorCodes?.[0] ?? "UNKNOWN", viewer.subject);
    if (response.body.kind === "complete") {
      await endWith(req, res, response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
    const observation = {
      requestId,
      status: res.statusCode,
      sqlStatements: tally.statements,
      plannedPages: meta.plannedPages ?? 0,
      ms: ms(),
    };
    const operation = meta.operationName ?? "anonymous";
    const outcome = res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "refused" : "ok";
    metrics.requests.inc({ operation, outcome });
    metrics.latency.observe({ operation, outcome }, observation.ms / 1000);
    metrics.sqlStatements.observe({ operation }, tally.statements);
    logger.info({ ...observation, operation, subject: viewer.subject }, "graphql request");
    opts.observe?.(observation);
  }

  return {
    apollo,
    executorStats: () => jit?.stats() ?? null,
    handle,
    async stop() {
      await apollo.stop();
      await apq?.close();
    },
  };
}

/** The answer when the access trail could not be written: 503, no data (SPEC §14). */
function trailRefusal(err: AccessTrailUnavailableError): ApolloResponse {
  const headers = new HeaderMap();
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("retry-after", "1");
  const body = JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.extensionCode } }] });
  return { status: 503, headers, body: { kind: "complete", string: body } };
}

/** The codes of an error body Apollo answered by itself (always small: no data in it). */
function errorCodesOf(body: string): unknown[] {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return Array.isArray(parsed.errors) ? parsed.errors.map((e) => e?.extensions?.code) : [];
  } catch {
    return [];
  }
}

type ApolloResponse = Awaited<ReturnType<ApolloServer<Context>["executeHTTPGraphQLRequest"]>>;

/** Apollo's answer as one stored text (a mutation's answer is never streamed in parts). */
async function toAnswer(r: ApolloResponse): Promise<Answer> {
  let text = "";
  if (r.body.kind === "complete") text = r.body.string;
  else for await (const chunk of r.body.asyncIterator) text += chunk;
  const headers: Record<string, string> = {};
  for (const [k, v] of r.headers) headers[k] = v;
  return { status: r.status ?? 200, headers, body: text };
}

function fromAnswer(a: Answer): ApolloResponse {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(a.headers)) headers.set(k, v);
  return { status: a.status, headers, body: { kind: "complete", string: a.body } };
}
