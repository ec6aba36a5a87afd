import "reflect-metadata";
import cluster from "node:cluster";
import v8 from "node:v8";
import { superviseWorkers } from "./cluster";
import { ConfigError, loadConfig, type Config } from "./config";
import { openDataSource } from "./db/data-source";
import { systemClock } from "./domain/clock";
import { createLogger } from "./log";
import { assertKeyVersionsConfigured } from "./crypto/key-check";
import { useKeyRing } from "./crypto/personal-data";
import { buildApiSchema } from "./schema/build";
import { createApp, type App } from "./server/app";
import { printDemoTokens, seedDemoIfEmpty } from "./seed/demo-start";
import { createServices } from "./services";
import { OutboxRelay } from "./services/events/relay";
import { JobScheduler, scheduledJobsOf } from "./services/scheduling/scheduler";

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** Composition root: config → data source → services → schema → server. */
export async function main(): Promise<App> {
  const config = loadConfigOrExit();
  useKeyRing(config.keyRing);
  // Under WORKERS=N each line says which worker wrote it (slot and process id; no personal data).
  const logger = cluster.isWorker
    ? createLogger(config.logLevel, { pretty: config.logPretty }).child({ worker: config.workerSlot, pid: process.pid })
    : createLogger(config.logLevel, { pretty: config.logPretty });
  // Worker 1 (or the only process) runs the daily jobs and the outbox relay; the others serve requests.
  const runsJobs = config.workerSlot === 1;
  // Set before the heap grows: the old generation may then grow to (1 + p/100) × the live heap between
  // full collections instead of up to 4×, which under load is most of the process's memory.
  if (config.heapGrowingPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  const dataSource = await openDataSource({ url: config.databaseUrl, logSink: logger, timeoutMs: config.dbTimeoutMs });
  const applied = await dataSource.runMigrations({ transaction: "each" });
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
  // SPEC §14: a value sealed under a key version DATA_KEYS does not configure stops the start, naming it.
  await assertKeyVersionsConfigured(dataSource, config.keyRing);

  if (config.seedDemo) await seedDemoIfEmpty(dataSource, logger, systemClock);

  const replicas = await Promise.all(
    config.databaseReplicaUrls.map((url) => openDataSource({ url, logSink: logger, timeoutMs: config.dbTimeoutMs })),
  );
  if (replicas.length > 0) logger.info({ replicas: replicas.length }, "bulk reads go to read replicas");
  const services = createServices(config, dataSource, systemClock, replicas);
  const schema = await buildApiSchema();
  const app = await createApp({ schema, services, logger });
  await new Promise<void>((resolve, reject) => {
    const refused = (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`Port ${config.port} is already in use: stop the other process or set PORT`)
          : err,
      );
    app.server.once("error", refused);
    app.server.listen(config.port, () => {
      app.server.off("error", refused);
      resolve();
    });
  });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  logger.info({ port, database: dataSource.options.type }, "serving");

  const relay =
    config.eventsAmqpUrl && runsJobs
      ? new OutboxRelay(dataSource, systemClock, { url: config.eventsAmqpUrl, log: logger })
      : null;
  relay?.start();

  // SPEC §12: the daily jobs; the catch-up of a missed day runs in the background after listen.
  const scheduler =
    config.scheduleJobs && runsJobs
      ? new JobScheduler({
          ds: dataSource,
          clock: systemClock,
          jobs: scheduledJobsOf(services),
          jobsAt: config.jobsAt,
          logger,
          observer: app.metrics,
        })
      : null;
  scheduler
    ?.start()
    .catch((err: unknown) => logger.error({ err: (err as Error).message }, "scheduler failed to start"));

  // Prints nothing unless the secret is the built-in development one (SPEC §10).
  if (config.workerSlot === 1) await printDemoTokens(config.authJwtSecret, dataSource, port);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    void app
      .close()
      .then(() => relay?.stop())
      .then(() => scheduler?.stop())
      .then(() => Promise.all([dataSource, ...replicas].map((ds) => ds.destroy())))
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err: (err as Error).message }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return app;
}

/** WORKERS=1: this process is the server; WORKERS=N: it supervises N workers, each running main(). */
async function start(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.workers > 1 && cluster.isPrimary) {
    const logger = createLogger(config.logLevel, { pretty: config.logPretty }).child({ primary: process.pid });
    const code = await superviseWorkers({
      workers: config.workers,
      logger,
      stopTimeoutMs: config.shutdownGraceMs + 15_000,
    });
    process.exit(code);
  }
  await main();
}

if (require.main === module) {
  start().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
