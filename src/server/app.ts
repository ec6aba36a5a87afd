import type http from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Context } from "../schema/context";
import type { Services } from "../services";
import { ExportService } from "../services/export/export-service";
import { EdgeRefusals } from "./edge";
import { Gate } from "./gate";
import { createGraphQLHandler, type RequestObservation } from "./graphql-handler";
import { createHttpServer } from "./http";
import { Metrics } from "./metrics";
import { exportRoute } from "./routes/export";
import { personalDataRoute } from "./routes/personal-data";
import { serveDashboard } from "./routes/dashboard";
import { serveGraphiql } from "./routes/graphiql";
import { attachSubscriptions } from "./subscriptions";
import { observeTransactionRetries } from "./transaction-metrics";

export { MAX_BODY_BYTES } from "./edge";
export type { RequestObservation } from "./graphql-handler";

export interface App {
  server: http.Server;
  apollo: ApolloServer<Context>;
  /** What graphql-jit compiled and what graphql-js ran instead; null when GRAPHQL_EXECUTOR=graphql-js. */
  executorStats(): { compiled: number; fallbacks: number; cached: number } | null;
  /** Requests being handled (any route), GraphQL operations running and waiting for a slot. */
  load(): { inFlight: number; active: number; queued: number };
  /** The /metrics registry's owner (the scheduler counts its runs there). */
  metrics: Metrics;
  /**
   * Stops accepting, lets every request already received finish (up to SHUTDOWN_GRACE_MS, then cuts
   * the connections), then stops Apollo; the caller closes the pools after it resolves.
   */
  close(): Promise<void>;
}

/** The API's HTTP server: metrics, the admission gate, GraphQL and the export behind one router. */
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
  const graphql = await createGraphQLHandler({
    schema,
    services,
    logger,
    metrics,
    refusals,
    gate,
    closing: () => edge.closing(),
    observe: opts.observe,
  });
  const exportMembers = exportRoute({
    exports: new ExportService(services.segments),
    secret: config.authJwtSecret,
    refusals,
    logger,
  });
  const personalData = personalDataRoute({
    copies: services.copies,
    secret: config.authJwtSecret,
    refusals,
    logger,
  });
  const edge = createHttpServer({
    routes: {
      graphql: graphql.handle,
      exportMembers,
      personalData,
      ready: () => services.health.ready(),
      // The dashboard holds no data (it reads /graphql with the token typed on it): served in production too.
      pages: (req, res, pathname) =>
        serveDashboard(req, res, pathname) || (config.graphiql && serveGraphiql(req, res, pathname)),
    },
    metrics,
    refusals,
    logger,
    shutdownGraceMs: config.shutdownGraceMs,
    corsOrigins: config.corsOrigins,
  });

  // SPEC §12: subscriptions on the same port and path; the live feed follows commits (and Redis).
  await services.live.start(logger.child({ component: "live-feed" }), metrics);
  const subscriptions = attachSubscriptions({
    server: edge.server,
    schema,
    services,
    logger,
    metrics,
    limits: {
      perConnection: config.maxSubscriptionsPerConnection,
      connectionsPerSubject: config.maxWsConnectionsPerSubject,
      maxBufferedBytes: config.wsMaxBufferedBytes,
    },
    corsOrigins: config.corsOrigins,
    closing: () => edge.closing(),
  });

  return {
    server: edge.server,
    apollo: graphql.apollo,
    executorStats: graphql.executorStats,
    load: () => ({ inFlight: edge.inFlight(), active: gate.active, queued: gate.queued }),
    metrics,
    async close() {
      await subscriptions.close();
      await services.live.stop();
      await edge.close();
      await graphql.stop();
      await services.rateLimiter.close();
      stopObservingRetries();
    },
  };
}
