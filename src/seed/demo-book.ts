import type { DataSource, QueryRunner } from "typeorm";
import { insertRows, sqlInstant } from "../db/sql";
import { seedCatalogue } from "./catalogue";
import { bookCalendar, CHUNK_TABLES, drawClients, emptyChunk, type ChunkRows, type ChunkTable } from "./clients";
import {
  DEFERRED_INDEX_TABLES,
  dropIndexes,
  restoreIndexes,
  secondaryIndexes,
  type DeferredIndex,
} from "./deferred-indexes";
import { loadRows, loadText } from "./load-data";
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

/**
 * Clients per transaction, each chunk with its segment snapshots: up to 2,000, and at least 8 chunks of a
 * smaller book (100 clients or more each), so that a test's book too is written by chunks at once.
 */
const chunkSize = (clients: number) => Math.min(2000, Math.max(100, Math.ceil(clients / 8)));
/** Clients drawn between two turns of the event loop, so the chunks being written keep going. */
const SLICE = 50;
/**
 * Connections writing chunks at once on MariaDB, each chunk its own transaction on its own client ids
 * (READ COMMITTED: a chunk's segment snapshots read its rows without locking the next chunk's gap).
 * SQLite has one writer.
 */
const WRITERS = 2;

/** A chunk's rows as drawn (SQLite; MySQL without local_infile), or as LOAD DATA text by slice of clients and their count. */
interface Chunk {
  rows: ChunkRows;
  parts: Record<ChunkTable, Buffer[]>;
  counts: Record<ChunkTable, number>;
}

function newChunk(): Chunk {
  return {
    rows: emptyChunk(),
    parts: Object.fromEntries(CHUNK_TABLES.map(([table]) => [table, []])) as unknown as Record<ChunkTable, Buffer[]>,
    counts: Object.fromEntries(CHUNK_TABLES.map(([table]) => [table, 0])) as Record<ChunkTable, number>,
  };
}

/** One connection of the seed and what it writes with. */
interface Writer {
  runner: QueryRunner;
  run: (sql: string, params: unknown[]) => Promise<unknown>;
  /** The chunk it is writing, if any. */
  busy: Promise<void> | null;
}

export async function seedDemoBook(ds: DataSource, opts: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const [{ n }] = (await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[];
  if (Number(n) > 0) throw new Error("The database already holds clients: the demo book seeds only an empty database");
  const mysql = ds.options.type !== "better-sqlite3";
  // LOAD DATA LOCAL needs the server's local_infile (MySQL 8 turns it off by default): without it, the
  // rows go in as multi-row INSERTs.
  const infile =
    mysql && Number(((await ds.query("SELECT @@GLOBAL.local_infile AS v")) as { v: unknown }[])[0].v) === 1;
  const writers: Writer[] = [];
  const rows: Record<string, number> = {};
  const timer = new PhaseTimer();
  const put = async (writer: Writer, table: string, columns: readonly string[], values: unknown[][]) => {
    if (values.length === 0) return;
    const started = performance.now();
    if (infile) await loadRows(writer.runner, table, columns, [loadText(values)], values.length);
    else await insertRows(writer.run, table, columns, values, mysql ? 2000 : 500);
    timer.add(`insert ${table}`, performance.now() - started, values.length);
    rows[table] = (rows[table] ?? 0) + values.length;
  };
  const load = async (writer: Writer, table: string, columns: readonly string[], parts: Buffer[], n: number) => {
    if (n === 0) return;
    const started = performance.now();
    await loadRows(writer.runner, table, columns, parts, n);
    timer.add(`insert ${table}`, performance.now() - started, n);
    rows[table] = (rows[table] ?? 0) + n;
  };
  const inTransaction = async ({ runner }: Writer, work: () => Promise<void>) => {
    // Per transaction, so the pooled connections go back to the application at its own isolation level.
    await runner.startTransaction(mysql ? "READ COMMITTED" : undefined);
    try {
      await work();
      await timer.time("commit", () => runner.commitTransaction());
    } catch (err) {
      await runner.rollbackTransaction();
      throw err;
    }
  };
  /** Every chunk written or failed, whatever happened: before indexes are built or connections released. */
  const settled = () => Promise.all(writers.map((w) => w.busy?.catch(() => undefined)));
  let deferred: DeferredIndex[] = [];
  try {
    for (let i = 0; i < (mysql ? WRITERS : 1); i += 1) {
      const runner = ds.createQueryRunner("master");
      writers.push({ runner, run: (sql, params) => runner.query(sql, params), busy: null });
      if (mysql) {
        await runner.query("SET FOREIGN_KEY_CHECKS = 0, UNIQUE_CHECKS = 0");
      }
    }
    const [first] = writers;
    if (mysql) {
      deferred = await secondaryIndexes(first.run, DEFERRED_INDEX_TABLES);
      await timer.time("drop secondary indexes", () => dropIndexes(first.run, deferred));
    }
    const at = sqlInstant(new Date(`${opts.asOf}T01:00:00.000Z`));
    await inTransaction(first, () => seedCatalogue((...args) => put(first, ...args), at));
    // SPEC §13: the segment snapshots of the 13 month ends and of the as-of date, set-based, per chunk.
    const snapshots = await segmentSnapshotWriter(ds, opts.asOf);
    const calendar = bookCalendar(opts.asOf);
    const state: SeedIds = {
      facilityId: 0,
      alertId: 0,
      reviewId: 0,
      tradeId: 0,
      satisfactionId: 0,
      portraitId: opts.clients,
    };
    let done = 0;
    const write = (writer: Writer, chunk: Chunk, from: number, count: number) =>
      inTransaction(writer, async () => {
        for (const [table, columns] of CHUNK_TABLES) {
          if (infile) await load(writer, table, columns, chunk.parts[table], chunk.counts[table]);
          else await put(writer, table, columns, chunk.rows[table]);
        }
        const written = await timer.time(
          "segment snapshots",
          () => snapshots((sql, params) => writer.runner.query(sql, params, true), from + 1, from + count),
          (n) => n,
        );
        rows.segment_snapshot = (rows.segment_snapshot ?? 0) + written;
      }).then(() => opts.onProgress?.((done += count), opts.clients));
    const size = chunkSize(opts.clients);
    for (let from = 0, k = 0; from < opts.clients; from += size, k += 1) {
      const count = Math.min(size, opts.clients - from);
      const chunk = newChunk();
      const writing = writers.some((w) => w.busy !== null);
      for (let i = 0; i < count; i += SLICE) {
        const drawing = performance.now();
        drawClients(chunk.rows, opts, calendar, from + i, Math.min(SLICE, count - i), state);
        timer.add("draw rows (Node)", performance.now() - drawing);
        if (infile) {
          const formatting = performance.now();
          // A slice's rows become LOAD DATA text at once: arrays that die young cost the garbage collector
          // far less than a chunk's 50,000 arrays living until the chunk is written.
          for (const [table] of CHUNK_TABLES) {
            const drawn = chunk.rows[table];
            if (drawn.length === 0) continue;
            chunk.parts[table].push(loadText(drawn));
            chunk.counts[table] += drawn.length;
            drawn.length = 0;
          }
          timer.add("format rows (Node)", performance.now() - formatting);
        }
        if (writing) await new Promise((resolve) => setImmediate(resolve));
      }
      const writer = writers[k % writers.length];
      const busy = writer.busy;
      if (busy !== null) await timer.time("wait for a free connection", () => busy);
      writer.busy = write(writer, chunk, from, count);
      // Awaited before this writer takes another chunk, or at the end; until then a failure must not go unhandled.
      writer.busy.catch(() => undefined);
    }
    for (const writer of writers) if (writer.busy !== null) await writer.busy;
    if (deferred.length > 0) {
      await timer.time("build secondary indexes", () =>
        restoreIndexes(
          writers.map((w) => w.run),
          deferred,
        ),
      );
    }
  } catch (err) {
    // The schema as the migrations left it, even under a failed seed, once no chunk is being written any
    // more (an ALTER TABLE would commit its transaction); the seed's own error is the one reported.
    await settled();
    if (deferred.length > 0) await restoreIndexes([writers[0].run], deferred).catch(() => undefined);
    throw err;
  } finally {
    await settled();
    for (const { runner } of writers) {
      if (mysql) await runner.query("SET FOREIGN_KEY_CHECKS = 1, UNIQUE_CHECKS = 1").catch(() => undefined);
      await runner.release();
    }
  }
  return { rows, phases: timer.list(), ms: Date.now() - started };
}
