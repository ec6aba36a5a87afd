import mysql from "mysql2/promise";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../src/db/data-source";

/**
 * The databases every service and GraphQL test runs on: SQLite always, MariaDB/MySQL when
 * TEST_MYSQL_URL is set. Under CI the MySQL run is mandatory: a missing URL fails the suite instead
 * of silently skipping it.
 */
export interface TestEngine {
  name: "sqlite" | "mysql";
  /** A fresh, migrated database of its own; `drop` removes it. */
  create(): Promise<TestDatabase>;
}

export interface TestDatabase {
  ds: DataSource;
  url: string;
  drop(): Promise<void>;
}

const mysqlUrl = process.env.TEST_MYSQL_URL;
if (process.env.CI === "true" && !mysqlUrl) {
  throw new Error("CI=true but TEST_MYSQL_URL is not set: the MySQL half of the suite must run in CI");
}

let counter = 0;

const sqlite: TestEngine = {
  name: "sqlite",
  async create() {
    const url = "sqlite::memory:";
    const ds = createDataSource({ url });
    await ds.initialize();
    await ds.runMigrations({ transaction: "each" });
    return { ds, url, drop: () => ds.destroy() };
  },
};

function mysqlEngine(base: string): TestEngine {
  return {
    name: "mysql",
    async create() {
      const parsed = new URL(base);
      counter += 1;
      const name = `${parsed.pathname.slice(1) || "margin_test"}_${process.pid}_${counter}`;
      const admin = await mysql.createConnection({
        host: parsed.hostname,
        port: Number(parsed.port || 3306),
        user: decodeURIComponent(parsed.username || "root"),
        password: decodeURIComponent(parsed.password),
      });
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const url = `mysql://${parsed.username || "root"}${parsed.password ? `:${parsed.password}` : ""}@${parsed.host}/${name}`;
      const [version] = (await admin.query("SELECT VERSION() AS v")) as unknown as [{ v: string }[]];
      const ds = createDataSource({ url, poolSize: 25, mariadb: /mariadb/i.test(version[0].v) });
      try {
        await ds.initialize();
        await ds.runMigrations({ transaction: "each" });
      } catch (err) {
        if (ds.isInitialized) await ds.destroy();
        await admin.end();
        throw err;
      }
      return {
        ds,
        url,
        async drop() {
          if (ds.isInitialized) await ds.destroy();
          await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
          await admin.end();
        },
      };
    },
  };
}

export const ENGINES: TestEngine[] = mysqlUrl ? [sqlite, mysqlEngine(mysqlUrl)] : [sqlite];
