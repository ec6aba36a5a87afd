import type http from "node:http";
import type { Duplex } from "node:stream";
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import { CloseCode, handleProtocols, makeServer, type Context as WsContext } from "graphql-ws";
import { decodeJwt } from "jose";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { QueryTooComplexError, ThrottledError } from "../errors";
import { createLoaders } from "../loaders";
import { estimateCost, MAX_ALIASES, MAX_DEPTH } from "../schema/cost";
import type { Context } from "../schema/context";
import { createFormatError } from "../schema/errors";
import type { Services } from "../services";
import { branchScope } from "../services/access/policy";
import { bearerToken, verifyToken } from "../services/access/tokens";
import { AccessTrail } from "../services/access/trail";
import type { Viewer } from "../services/access/viewer";
import { createLiveSubscribe, shareKey } from "./live-execution";
import type { Metrics } from "./metrics";

/**
 * Close codes a subscriber may meet (README "Subscriptions"); graphql-ws's own (4400 bad message,
 * 4408 no connection_init in time, 4409 duplicate id, 4429 two connection_init) keep their meaning.
 */
export const WS_CLOSE = {
  /** No token, an invalid one, or it expired while the socket was open. */
  UNAUTHORIZED: CloseCode.Unauthorized,
  /** The subject already holds MAX_WS_CONNECTIONS_PER_SUBJECT sockets. */
  TOO_MANY_CONNECTIONS: 4430,
  /** The subscriber fell behind (its socket's send buffer or its queue of events was full). */
  TOO_SLOW: 4503,
  /** The server is shutting down: reconnect to another instance. */
  GOING_AWAY: 1001,
} as const;

export interface SubscriptionLimits {
  /** Subscriptions one socket may hold at once. */
  perConnection: number;
  /** Sockets one token subject may hold at once on this instance. */
  connectionsPerSubject: number;
  /** Bytes queued on a socket past which its subscriber counts as too slow. */
  maxBufferedBytes: number;
}

/** One socket's state, kept in graphql-ws's context `extra`. */
interface Extra {
  socket: WebSocket;
  request: http.IncomingMessage;
  viewer?: Viewer;
  expiry?: NodeJS.Timeout;
}

type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;

/** Largest message a client may send (a subscription document with its variables). */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** Keep-alive: a socket that does not answer a ping within this long is cut. */
const KEEP_ALIVE_MS = 12_000;

function coded(message: string, code: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * SPEC §12 subscriptions: graphql-ws on the same port and path as queries (`/graphql`, WebSocket
 * upgrade). The token is checked in `connection_init` (close 4401 otherwise) and again when it expires
 * (the socket is closed 4401). Every subscription passes the same validation, cost rule and throttle as
 * a query; each event is scoped and masked by the live feed and the presenters. Limits: subscriptions
 * per socket (a coded error), sockets per subject (close 4430), a subscriber that cannot keep up is cut
 * (close 4503), never buffered without bound. Only subscriptions travel here; queries and mutations go
 * over HTTP, where the gate, the deadline and Idempotency-Key apply.
 */
export function attachSubscriptions(opts: {
  server: http.Server;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  metrics: Metrics;
  limits: SubscriptionLimits;
  corsOrigins: ReadonlySet<string>;
  closing(): boolean;
}): { close(): Promise<void> } {
  const { schema, services, logger, metrics, limits } = opts;
  const { config } = services;
  const log = logger.child({ component: "subscriptions" });
  const formatError = createFormatError(config.production, schema);
  const connectionsBySubject = new Map<string, number>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, handleProtocols });

  const refuse = (reason: string) => metrics.wsRefusals.inc({ reason });
  // An error without a path that wraps another (a live delivery's access trail failing, or a stream's
  // failure as graphql-ws wraps it) is formatted as that error: coded when it is a domain error, masked
  // otherwise (its message is not the client's to read).
  const formatted = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => {
      const cause = e.path === undefined && e.originalError !== undefined ? e.originalError : e;
      return formatError(e.toJSON(), cause instanceof GraphQLError ? e : cause);
    });

  /**
   * A message to a socket; false when it was not sent. A subscriber that cannot keep up is cut, never
   * buffered without bound: what was handed to the socket and not yet taken by the peer is bounded by
   * maxBufferedBytes.
   */
  function sendTo(socket: WebSocket, data: string): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      refuse("too_slow");
      socket.close(WS_CLOSE.TOO_SLOW, "Too slow: the subscriber fell behind");
      return false;
    }
    sendCoalesced(socket, data);
    return true;
  }

  const graphqlWs = makeServer<Record<string, unknown> | undefined, Extra>({
    schema,
    subscribe: createLiveSubscribe({
      executed: () => metrics.liveExecutions.inc(),
      sent(count, committedAt) {
        metrics.wsMessages.inc(count);
        const seconds = Math.max(0, Date.now() - committedAt) / 1000;
        for (let i = 0; i < count; i += 1) metrics.liveDelivery.observe(seconds);
      },
      format: formatted,
    }),
    connectionInitWaitTimeout: 3_000,
    async onConnect(ctx: Ctx) {
      const { socket } = ctx.extra;
      const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      const token = typeof raw === "string" ? bearerToken(raw) : null;
      let viewer: Viewer;
      try {
        if (token === null) throw new Error("missing");
        viewer = await verifyToken(config.authJwtSecret, token);
      } catch {
        refuse("unauthorized");
        socket.close(WS_CLOSE.UNAUTHORIZED, "Unauthorized: connection_init needs a valid bearer token");
        return false;
      }
      const held = connectionsBySubject.get(viewer.subject) ?? 0;
      if (held >= limits.connectionsPerSubject) {
        refuse("connections_per_subject");
        socket.close(WS_CLOSE.TOO_MANY_CONNECTIONS, "Too many connections for this subject");
        return false;
      }
      connectionsBySubject.set(viewer.subject, held + 1);
      ctx.extra.viewer = viewer;
      metrics.wsConnections.inc();
      // The token's validity ends the socket's: closed when it expires (verifyToken required `exp`).
      const exp = decodeJwt(token).exp as number;
      const left = Math.max(0, exp * 1000 - Date.now());
      ctx.extra.expiry = setTimeout(
        () => {
          refuse("token_expired");
          socket.close(WS_CLOSE.UNAUTHORIZED, "Unauthorized: the token expired");
        },
        Math.min(left, 2_147_000_000),
      );
      return true;
    },
    async onSubscribe(ctx: Ctx, _id, payload) {
      const viewer = ctx.extra.viewer!;
      if (Object.keys(ctx.subscriptions).length > limits.perConnection) {
        refuse("subscriptions_per_connection");
        return [
          coded(
            `At most ${limits.perConnection} subscriptions per connection; complete one first`,
            "SUBSCRIPTION_LIMIT",
          ),
        ];
      }
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: 2_000 });
      } catch {
        return [coded("Syntax Error: the document is not valid GraphQL.", "GRAPHQL_PARSE_FAILED")];
      }
      const invalid = validate(schema, document, specifiedRules);
      if (invalid.length > 0) return invalid.map((e) => coded(e.message, "GRAPHQL_VALIDATION_FAILED"));
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [coded("Name the operation to run", "BAD_REQUEST")];
      if (operation.operation !== "subscription") {
        return [coded("Only subscriptions travel over WebSocket; send queries and mutations over HTTP", "BAD_REQUEST")];
      }
      const variables = payload.variables ?? {};
      // As over HTTP: a variable that does not coerce is the client's mistake, coded, its value never
      // quoted back (formatError scrubs the message and names the field).
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 5 });
      if (coerced.errors) {
        return coerced.errors.map(
          (e) =>
            new GraphQLError(e.message, {
              nodes: e.nodes,
              originalError: e.originalError,
              extensions: { code: "BAD_USER_INPUT" },
            }),
        );
      }
      const cost = estimateCost(schema, document, payload.operationName, variables);
      const figures = { requestedNodes: cost.requestedNodes, limit: config.maxQueryNodes };
      const tooComplex = (message: string) => {
        const err = new QueryTooComplexError(message, figures);
        return [coded(err.message, err.extensionCode, err.extensions())];
      };
      if (cost.depth > MAX_DEPTH) return tooComplex(`The query is ${cost.depth} levels deep; at most ${MAX_DEPTH}`);
      if (cost.aliases > MAX_ALIASES)
        return tooComplex(`The query uses ${cost.aliases} aliases; at most ${MAX_ALIASES}`);
      if (cost.requestedNodes > config.maxQueryNodes) {
        return tooComplex(`The query may return ${cost.requestedNodes} nodes; at most ${config.maxQueryNodes}`);
      }
      const capacity = Math.max(...viewer.roles.map((r) => config.rateLimitByRole[r] ?? config.rateLimitPerMinute));
      const throttle = await services.rateLimiter.take(
        viewer.subject,
        capacity,
        Math.max(1, cost.requestedNodes),
        Date.now(),
      );
      if (!throttle.allowed) {
        const err = new ThrottledError(throttle.retryAfterMs, figures);
        return [coded(err.message, err.extensionCode, err.extensions())];
      }
      const { socket } = ctx.extra;
      const scope = branchScope(viewer);
      const contextValue: Context = {
        requestId: `ws:${_id}`.slice(0, 64),
        viewer,
        scope,
        loaders: createLoaders(services.batchReads, scope, () => services.clock.now()),
        services,
        clock: services.clock,
        outsideSlot: (wait) => wait(),
        meta: {},
        trail: new AccessTrail(viewer, `ws:${_id}`.slice(0, 64)),
        live: {
          shareKey: shareKey(viewer, payload.query, payload.operationName, variables),
          id: _id,
          // Messages a class of subscribers sends directly (live-execution.ts), while graphql-ws holds
          // the subscription (not after the client's `complete`).
          send: (message) => _id in ctx.subscriptions && sendTo(socket, message),
          ended(reason) {
            if (reason === "overflow") {
              refuse("too_slow");
              socket.close(WS_CLOSE.TOO_SLOW, "Too slow: the subscriber fell behind");
            } else socket.close(WS_CLOSE.GOING_AWAY, "Server shutting down");
          },
        },
      };
      metrics.wsSubscriptions.inc();
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: variables,
        contextValue,
      } satisfies ExecutionArgs;
    },
    onNext(_ctx, _id, _payload, _args, result) {
      // Only a subscription refused as it starts gets here (its one result); events go out through their
      // class (live-execution.ts), which counts them.
      metrics.wsMessages.inc();
      if (!result.errors) return result;
      return { ...result, errors: formatted(result.errors) } as never;
    },
    onError(_ctx, _id, _payload, errors) {
      return formatted(errors);
    },
    onComplete() {
      metrics.wsSubscriptions.dec();
    },
    onClose(ctx: Ctx) {
      const { viewer, expiry } = ctx.extra;
      if (expiry) clearTimeout(expiry);
      if (viewer === undefined) return;
      metrics.wsConnections.dec();
      // Subscriptions still running when the socket closed are returned by graphql-ws (no onComplete).
      const open = Object.values(ctx.subscriptions).filter((s) => s !== null).length;
      if (open > 0) metrics.wsSubscriptions.dec(open);
      const held = (connectionsBySubject.get(viewer.subject) ?? 1) - 1;
      if (held > 0) connectionsBySubject.set(viewer.subject, held);
      else connectionsBySubject.delete(viewer.subject);
    },
  });

  wss.on("connection", (socket: WebSocket, request: http.IncomingMessage) => {
    socket.once("error", (err) => {
      log.warn({ err: err.message }, "websocket error");
      socket.terminate();
    });
    let alive = true;
    socket.on("pong", () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) {
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) => void sendTo(socket, data),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on("message", (data) => {
            cb(String(data)).catch((err: unknown) => {
              log.error({ err: (err as Error).message }, "subscription message failed");
              socket.close(CloseCode.InternalServerError, "Internal server error");
            });
          }),
      },
      { socket, request },
    );
    socket.once("close", (code, reason) => {
      clearInterval(keepAlive);
      void closed(code, String(reason));
    });
  });

  function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const reject = (status: number, text: string) => {
      refuse(`http_${status}`);
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/graphql") return reject(404, "Not Found");
    if (opts.closing()) return reject(503, "Service Unavailable");
    // A browser page may open the socket only from an allowed origin (as CORS for HTTP, SPEC §11).
    const origin = req.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, req.headers.host) && !opts.corsOrigins.has(origin)) {
      return reject(403, "Forbidden");
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  }
  opts.server.on("upgrade", upgrade);

  return {
    async close() {
      opts.server.off("upgrade", upgrade);
      for (const client of wss.clients) client.close(WS_CLOSE.GOING_AWAY, "Server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Sockets corked by sendCoalesced in this turn, uncorked together at its end. */
const corked: Duplex[] = [];

function uncorkAll(): void {
  for (const raw of corked.splice(0)) raw.uncork();
}

/**
 * Sends a message, holding the socket's writes until the end of this turn of the event loop, so the
 * messages a subscriber gets in one burst leave in one write to the kernel instead of one each (on a
 * loaded instance the per-message write was the largest cost of delivery). `ws` corks the same socket
 * around each frame; this widens it to the burst. One setImmediate per turn uncorks every socket.
 */
function sendCoalesced(socket: WebSocket, data: string): void {
  const raw = (socket as unknown as { _socket?: Duplex })._socket;
  if (raw !== undefined && raw.writableCorked === 0) {
    raw.cork();
    if (corked.push(raw) === 1) setImmediate(uncorkAll);
  }
  socket.send(data);
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
