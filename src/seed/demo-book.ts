import type { DataSource } from "typeorm";
import { insertRows, sqlInstant } from "../db/sql";
import { seedCatalogue } from "./catalogue";
import { seedClients } from "./clients";
import { PhaseTimer, type SeedPhase } from "./phases";
import { seedSegmentSnapshots } from "./tracking";

/**
 * The deterministic demo book of SPEC §9: both client types across branches, 20+ trading days of
 * snapshots, a year of trades, assessments, portraits computed from exactly those rows, the default
 * segments and products, facilities in every state with their reviews and alerts. Same seed, same
 * book. Written in chunks of clients with multi-row INSERTs, so memory stays flat: the catalogue in
 * `catalogue.ts`, each chunk of clients in `clients.ts`, a client's facility history in `history.ts`.
 */
export interface SeedOptions {
  clients: number;
  seed: number;
  /** The book's "today" (YYYY-MM-DD): snapshots end here, portraits are as of it. */
  asOf: string;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  rows: Record<string, number>;
  /** Where the time went, phase by phase (generating rows in Node, each table's INSERTs, the snapshots). */
  phases: SeedPhase[];
  ms: number;
}

const CHUNK = 1000;

export async function seedDemoBook(ds: DataSource, opts: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const [{ n }] = (await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[];
  if (Number(n) > 0) throw new Error("The database already holds clients: the demo book seeds only an empty database");
  const mysql = ds.options.type !== "better-sqlite3";
  const runner = ds.createQueryRunner("master");
  const rows: Record<string, number> = {};
  const timer = new PhaseTimer();
  let putMs = 0;
  const run = (sql: string, params: unknown[]) => runner.query(sql, params);
  const put = async (table: string, columns: readonly string[], values: unknown[][]) => {
    if (values.length === 0) return;
    const started = performance.now();
    await insertRows(run, table, columns, values, mysql ? 2000 : 500);
    const ms = performance.now() - started;
    putMs += ms;
    timer.add(`insert ${table}`, ms, values.length);
    rows[table] = (rows[table] ?? 0) + values.length;
  };
  try {
    if (mysql) await runner.query("SET FOREIGN_KEY_CHECKS = 0, UNIQUE_CHECKS = 0");
    const at = sqlInstant(new Date(`${opts.asOf}T01:00:00.000Z`));
    await runner.startTransaction();
    await seedCatalogue(put, at);
    await runner.commitTransaction();
    const state = { facilityId: 0, alertId: 0, reviewId: 0, tradeId: 0, portraitId: opts.clients };
    for (let from = 0; from < opts.clients; from += CHUNK) {
      const count = Math.min(CHUNK, opts.clients - from);
      await runner.startTransaction();
      try {
        const started = performance.now();
        putMs = 0;
        await seedClients(put, opts, from, count, state);
        timer.add("generate rows (Node)", performance.now() - started - putMs);
        await timer.time("commit", () => runner.commitTransaction());
      } catch (err) {
        await runner.rollbackTransaction();
        throw err;
      }
      opts.onProgress?.(from + count, opts.clients);
    }
    // SPEC §13: the segment snapshots of the 13 month ends and of the as-of date, set-based.
    rows.segment_snapshot = await timer.time(
      "segment snapshots",
      () => seedSegmentSnapshots(ds, run, opts.asOf),
      (n) => n,
    );
  } finally {
    if (mysql) await runner.query("SET FOREIGN_KEY_CHECKS = 1, UNIQUE_CHECKS = 1").catch(() => undefined);
    await runner.release();
  }
  return { rows, phases: timer.list(), ms: Date.now() - started };
}
