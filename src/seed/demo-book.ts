import type { DataSource } from "typeorm";
import { insertRows, sqlInstant } from "../db/sql";
import { seedCatalogue } from "./catalogue";
import { bookCalendar, CHUNK_TABLES, drawClients, emptyChunk, type ChunkRows } from "./clients";
import { loadRows } from "./load-data";
import { PhaseTimer, type SeedPhase } from "./phases";
import type { SeedIds } from "./rows";
import { segmentSnapshotWriter } from "./tracking";

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
  /**
   * Where the time went, phase by phase: drawing rows in Node, each table's INSERTs, the segment
   * snapshots, the commits. Node draws a chunk while the database writes the one before, so the
   * phases overlap and add up to more than `ms`.
   */
  phases: SeedPhase[];
  ms: number;
}

/** Clients per transaction, each chunk with its segment snapshots. */
const CHUNK = 2000;
/** Clients drawn between two turns of the event loop, so the writes of the previous chunk keep going. */
const SLICE = 50;

export async function seedDemoBook(ds: DataSource, opts: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const [{ n }] = (await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[];
  if (Number(n) > 0) throw new Error("The database already holds clients: the demo book seeds only an empty database");
  const mysql = ds.options.type !== "better-sqlite3";
  const runner = ds.createQueryRunner("master");
  const rows: Record<string, number> = {};
  const timer = new PhaseTimer();
  const run = (sql: string, params: unknown[]) => runner.query(sql, params);
  const put = async (table: string, columns: readonly string[], values: unknown[][]) => {
    if (values.length === 0) return;
    const started = performance.now();
    if (mysql) await loadRows(runner, table, columns, values);
    else await insertRows(run, table, columns, values, 500);
    timer.add(`insert ${table}`, performance.now() - started, values.length);
    rows[table] = (rows[table] ?? 0) + values.length;
  };
  const inTransaction = async (work: () => Promise<void>) => {
    await runner.startTransaction();
    try {
      await work();
      await timer.time("commit", () => runner.commitTransaction());
    } catch (err) {
      await runner.rollbackTransaction();
      throw err;
    }
  };
  let writing: Promise<void> | null = null;
  try {
    if (mysql) await runner.query("SET FOREIGN_KEY_CHECKS = 0, UNIQUE_CHECKS = 0");
    const at = sqlInstant(new Date(`${opts.asOf}T01:00:00.000Z`));
    await inTransaction(() => seedCatalogue(put, at));
    // SPEC §13: the segment snapshots of the 13 month ends and of the as-of date, set-based, per chunk.
    const snapshots = await segmentSnapshotWriter(ds, opts.asOf);
    const calendar = bookCalendar(opts.asOf);
    const state: SeedIds = { facilityId: 0, alertId: 0, reviewId: 0, tradeId: 0, portraitId: opts.clients };
    const write = (chunk: ChunkRows, from: number, count: number) =>
      inTransaction(async () => {
        for (const [table, columns] of CHUNK_TABLES) await put(table, columns, chunk[table]);
        const written = await timer.time(
          "segment snapshots",
          () => snapshots((sql, params) => runner.query(sql, params, true), from + 1, from + count),
          (n) => n,
        );
        rows.segment_snapshot = (rows.segment_snapshot ?? 0) + written;
      }).then(() => opts.onProgress?.(from + count, opts.clients));
    for (let from = 0; from < opts.clients; from += CHUNK) {
      const count = Math.min(CHUNK, opts.clients - from);
      const chunk = emptyChunk();
      for (let k = 0; k < count; k += SLICE) {
        const drawing = performance.now();
        drawClients(chunk, opts, calendar, from + k, Math.min(SLICE, count - k), state);
        timer.add("draw rows (Node)", performance.now() - drawing);
        if (writing !== null) await new Promise((resolve) => setImmediate(resolve));
      }
      if (writing !== null) await writing;
      writing = write(chunk, from, count);
      // Awaited before the next chunk is written, or below; until then a failure must not go unhandled.
      writing.catch(() => undefined);
    }
    if (writing !== null) await writing;
  } finally {
    // A chunk still being written when drawing failed: let it finish (or roll back) before releasing.
    if (writing !== null) await writing.catch(() => undefined);
    if (mysql) await runner.query("SET FOREIGN_KEY_CHECKS = 1, UNIQUE_CHECKS = 1").catch(() => undefined);
    await runner.release();
  }
  return { rows, phases: timer.list(), ms: Date.now() - started };
}
