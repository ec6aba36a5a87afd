import http from "node:http";
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { HttpError, errorBody, sendJson, type EdgeRefusals, type Route } from "./edge";
import type { Metrics } from "./metrics";
import { handleCors } from "./cors";

const NO_ORIGINS: ReadonlySet<string> = new Set();

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const EXPORT_PATH = /^\/export\/segments\/([^/]+)\/members$/;
const PERSONAL_DATA_PATH = /^\/clients\/([^/]+)\/personal-data$/;

/** What each route does; the router gives them the request id, the parsed URL and the path's segment code. */
export interface Routes {
  graphql(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, url: URL): Promise<void>;
  exportMembers(req: http.IncomingMessage, res: http.ServerResponse, code: string, url: URL): Promise<void>;
  /** GET /clients/{clientNo}/personal-data: the client's copy (SPEC §14). */
  personalData(req: http.IncomingMessage, res: http.ServerResponse, clientNo: string, requestId: string): Promise<void>;
  ready(): Promise<{ ok: boolean }>;
  /** Pages served as they are (the dashboard, GraphiQL): true when the path was theirs and answered. */
  pages?(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean;
}

export interface HttpServer {
  server: http.Server;
  /** Requests whose handler has not returned yet. */
  inFlight(): number;
  /** True once close() has begun. */
  closing(): boolean;
  /**
   * Stops accepting, lets every request already received finish (up to `graceMs`, then cuts the
   * connections), and closes what connections remain.
   */
  close(): Promise<void>;
}

/**
 * The HTTP edge: routes, the request id, the answer to an HttpError (a body over the limit) or an
 * unexpected failure, the visible-refusal log, and the drain on shutdown.
 */
export function createHttpServer(opts: {
  routes: Routes;
  metrics: Metrics;
  refusals: EdgeRefusals;
  logger: Logger;
  shutdownGraceMs: number;
  /** SPEC §11: origins allowed to call from a browser. */
  corsOrigins?: ReadonlySet<string>;
}): HttpServer {
  const { routes, metrics, refusals, logger } = opts;
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
    const exportMatch = EXPORT_PATH.exec(url.pathname);
    const copyMatch = PERSONAL_DATA_PATH.exec(url.pathname);
    const name: Route = exportMatch
      ? "export"
      : copyMatch
        ? "personal-data"
        : url.pathname === "/graphql"
          ? "graphql"
          : url.pathname === "/metrics"
            ? "metrics"
            : url.pathname === "/healthz" || url.pathname === "/readyz"
              ? "health"
              : "other";
    // Answers may carry personal data: no cache keeps them (pages that may be kept say so themselves).
    res.setHeader("cache-control", "no-store");
    try {
      if (handleCors(req, res, opts.corsOrigins ?? NO_ORIGINS)) return;
      if (exportMatch) {
        await routes.exportMembers(req, res, exportMatch[1], url);
        return;
      }
      if (copyMatch) {
        await routes.personalData(req, res, copyMatch[1], requestId);
        return;
      }
      if (routes.pages?.(req, res, url.pathname)) return;
      switch (url.pathname) {
        case "/graphql":
          await routes.graphql(req, res, requestId, url);
          return;
        case "/metrics":
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(await metrics.registry.metrics());
          return;
        case "/healthz":
          sendJson(res, 200, { status: "ok" });
          return;
        case "/readyz": {
          const ready = await routes.ready();
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
    inFlight: () => inFlight,
    closing: () => closing,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const finished = new Promise<void>((resolve) => (drained = resolve));
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), opts.shutdownGraceMs);
        });
        const timedOut = await Promise.race([finished.then(() => false), expired]);
        clearTimeout(timer);
        if (timedOut) {
          logger.warn({ inFlight, graceMs: opts.shutdownGraceMs }, "shutdown: cutting requests still in flight");
          server.closeAllConnections();
        }
      }
      // Nothing is being handled now: what connections remain are idle (or half-closed by a client
      // that left), and waiting for their keep-alive to lapse would only delay the exit.
      server.closeAllConnections();
      await closed;
    },
  };
}
