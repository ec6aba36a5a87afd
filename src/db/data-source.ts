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
  /** Connect timeout: a lost database fails requests after this long instead of hanging. */
  timeoutMs?: number;
  /** MariaDB reports column defaults differently from MySQL; TypeORM needs to know which it talks to. */
  mariadb?: boolean;
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
      type: settings.mariadb ? "mariadb" : "mysql",
      url: settings.url,
      charset: "utf8mb4_unicode_ci",
      // Store and read every instant as UTC; DATE columns stay 'YYYY-MM-DD' strings.
      timezone: "Z",
      dateStrings: ["DATE"],
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: settings.timeoutMs ?? 5000,
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

/** Whether a mysql:// URL points at MariaDB (asked of the server itself). */
export async function isMariaDb(url: string): Promise<boolean> {
  const mysql = await import("mysql2/promise");
  const conn = await mysql.createConnection({ uri: url, connectTimeout: 5000 });
  try {
    const [rows] = await conn.query("SELECT VERSION() AS v");
    return /mariadb/i.test(String((rows as { v: string }[])[0]?.v ?? ""));
  } finally {
    await conn.end();
  }
}

/** Creates and initialises the DataSource for a URL, detecting MariaDB behind mysql://. */
export async function openDataSource(settings: DataSourceSettings): Promise<DataSource> {
  const mariadb = engineOf(settings.url) === "mysql" ? await isMariaDb(settings.url) : false;
  const ds = createDataSource({ ...settings, mariadb });
  await ds.initialize();
  return ds;
}
