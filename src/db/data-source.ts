import fs from "node:fs";
import path from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import { ENTITIES } from "../entities";
import { MIGRATIONS } from "../migrations";
import { CountingLogger, type SqlLogSink } from "./sql-counter";

export type Engine = "sqlite" | "mysql";

export function engineOf(url: string): Engine {
  return url.startsWith("mysql:") ? "mysql" : "sqlite";
}

export interface DataSourceSettings {
  url: string;
  logSink?: SqlLogSink;
  /** Throwaway test databases only. */
  synchronize?: boolean;
  poolSize?: number;
}

export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: "schema_migrations",
    synchronize: settings.synchronize ?? false,
    logging: true as const,
    logger: new CountingLogger(settings.logSink),
    maxQueryExecutionTime: 2000,
  };
  if (engineOf(settings.url) === "mysql") {
    return {
      ...common,
      type: "mysql",
      url: settings.url,
      charset: "utf8mb4_unicode_ci",
      // Store and read every instant as UTC; DATE columns stay 'YYYY-MM-DD' strings.
      timezone: "Z",
      dateStrings: ["DATE"],
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: 5000,
      poolSize: settings.poolSize ?? 10,
      extra: { waitForConnections: true, queueLimit: 200, enableKeepAlive: true },
    };
  }
  const file = settings.url.slice("sqlite:".length);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return {
    ...common,
    type: "better-sqlite3",
    database: file,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma("journal_mode = WAL");
      db.pragma("busy_timeout = 5000");
      db.pragma("foreign_keys = ON");
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
