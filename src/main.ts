import "reflect-metadata";
import v8 from "node:v8";
import { ConfigError, DEV_JWT_SECRET, loadConfig, type Config } from "./config";
import { openDataSource } from "./db/data-source";
import { systemClock, today } from "./domain/clock";
import { Role } from "./domain/enums";
import { createLogger, type Logger } from "./log";
import { buildApiSchema } from "./schema/build";
import { createApp, type App } from "./server/app";
import { createServices } from "./services";
import { mintToken } from "./services/access/tokens";
import { seedDemoBook } from "./services/demo/demo-book";

const DEMO_CLIENTS = 2000;

/** Composition root: config → data source → services → schema → server. */
export async function main(): Promise<App> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  // Set before the heap grows: the old generation may then grow to (1 + p/100) × the live heap between
  // full collections instead of up to 4×, which under load is most of the process's memory.
  if (config.heapGrowingPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  const dataSource = await openDataSource({ url: config.databaseUrl, logSink: logger, timeoutMs: config.dbTimeoutMs });
  const applied = await dataSource.runMigrations({ transaction: "each" });
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "migrations applied");

  if (config.seedDemo) await seedIfEmpty(dataSource, logger);

  const replicas = await Promise.all(
    config.databaseReplicaUrls.map((url) => openDataSource({ url, logSink: logger, timeoutMs: config.dbTimeoutMs })),
  );
  if (replicas.length > 0) logger.info({ replicas: replicas.length }, "bulk reads go to read replicas");
  const services = createServices(config, dataSource, systemClock, replicas);
  const schema = await buildApiSchema();
  const app = await createApp({ schema, services, logger });
  await new Promise<void>((resolve) => app.server.listen(config.port, resolve));
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  logger.info({ port, database: dataSource.options.type }, "serving");

  // Only a server on the built-in development secret, whose tokens anyone could mint anyway, prints
  // tokens (SPEC §10): with a real secret they would be valid credentials in a log.
  if (config.authJwtSecret === DEV_JWT_SECRET) await printDemoTokens(config, dataSource, port);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    void app
      .close()
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

async function seedIfEmpty(dataSource: import("typeorm").DataSource, logger: Logger): Promise<void> {
  const [{ n }] = (await dataSource.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[];
  if (Number(n) > 0) return;
  logger.info({ clients: DEMO_CLIENTS }, "empty database: seeding the demo book");
  const summary = await seedDemoBook(dataSource, { clients: DEMO_CLIENTS, seed: 42, asOf: today(systemClock) });
  logger.info({ ms: summary.ms }, "demo book seeded");
}

async function printDemoTokens(config: Config, dataSource: import("typeorm").DataSource, port: number): Promise<void> {
  const rows = (await dataSource.query(
    "SELECT `branch`, COUNT(*) AS n FROM `client` GROUP BY `branch` ORDER BY COUNT(*) DESC, `branch` LIMIT 1",
  )) as { branch: string }[];
  const branch = rows[0]?.branch ?? "SH-PUDONG";
  const lines = [`\nGraphQL API ready at http://localhost:${port}/graphql — demo tokens (valid 12 h):\n`];
  for (const role of Object.values(Role)) {
    const token = await mintToken(config.authJwtSecret, {
      sub: `demo-${role.toLowerCase().replace(/_/g, "-")}`,
      roles: [role],
      branch: role === Role.RELATIONSHIP_MANAGER ? branch : null,
    });
    lines.push(`${role}${role === Role.RELATIONSHIP_MANAGER ? ` (branch ${branch})` : ""}:\n  ${token}\n`);
  }
  lines.push(
    `Try:\n  curl -s localhost:${port}/graphql -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\\n    -d '{"query":"{ clients(first: 5) { nodes { clientNo name portrait { creditRating } } } }"}'\n`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
