import { Presets, SingleBar } from "cli-progress";
import mysql from "mysql2";
import type { RowDataPacket } from "mysql2/promise";
import { openDataSource } from "../../src/db/data-source";
import { systemClock, today } from "../../src/domain/clock";
import { seedDemoBook } from "../../src/seed/demo-book";
import { log, type Settings } from "./settings";

/** The bench's MariaDB database: created, migrated and seeded with the demo book when empty. */
export function adminConfig(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port === "" ? 3306 : Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
}

export async function prepareDatabase(
  s: Settings,
): Promise<{ clients: number; seeded: boolean; seedSeconds: number | null }> {
  const { database, ...server } = adminConfig(s.url);
  const admin = mysql.createConnection(server).promise();
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const ds = await openDataSource({ url: s.url });
  try {
    const applied = await ds.runMigrations({ transaction: "each" });
    if (applied.length > 0) log(`migrations applied: ${applied.map((m) => m.name).join(", ")}`);
    const [{ n }] = (await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[];
    if (Number(n) > 0) {
      log(`reusing ${Number(n)} clients in ${database}`);
      if (Number(n) !== s.clients) log(`note: BENCH_CLIENTS=${s.clients} ignored, the database already holds clients`);
      return { clients: Number(n), seeded: false, seedSeconds: null };
    }
    const asOf = today(systemClock);
    log(`seeding ${s.clients} clients into ${database} (as of ${asOf}, seed 42)`);
    const bar = new SingleBar(
      { format: "seeding |{bar}| {value}/{total} clients | {rate} clients/s | eta {eta}s", stream: process.stderr },
      Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(s.clients, 0, { rate: "-" });
    const summary = await seedDemoBook(ds, {
      clients: s.clients,
      seed: 42,
      asOf,
      onProgress: (done) =>
        bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) }),
    });
    bar.stop();
    log(`seeded in ${(summary.ms / 1000).toFixed(1)} s`);
    return { clients: s.clients, seeded: true, seedSeconds: summary.ms / 1000 };
  } finally {
    await ds.destroy();
  }
}

export /** `count` client numbers spread evenly over the book, for the fit and page workloads. */
async function sample(url: string, count: number): Promise<string[]> {
  const conn = mysql.createConnection({ uri: url }).promise();
  try {
    const [[{ n }]] = await conn.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM `client`");
    const step = Math.max(1, Math.floor(Number(n) / count));
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT \`clientNo\` FROM (SELECT \`clientNo\`, ROW_NUMBER() OVER (ORDER BY \`clientNo\`) AS rn FROM \`client\`) t
        WHERE MOD(t.rn - 1, ?) = 0 ORDER BY t.rn LIMIT ?`,
      [step, count],
    );
    return rows.map((r) => String(r.clientNo));
  } finally {
    await conn.end();
  }
}
