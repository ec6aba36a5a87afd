import { Readable, Transform } from "node:stream";
import { stringify } from "csv-stringify";
import Decimal from "decimal.js";
import type { DataSource, QueryRunner } from "typeorm";
import type { BranchScope } from "../access/viewer";
import type { SqlPredicate } from "./segment-sql";

/** The export's columns (SPEC §8): no personal data. */
export const EXPORT_COLUMNS = [
  "clientNo",
  "type",
  "branch",
  "riskLevel",
  "creditRating",
  "avgDailyAssets20d",
  "experienceMonths",
  "segment",
  "asOf",
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

/**
 * Columns that only ever hold a number (money as text with two decimals, a count). A number is no
 * formula to a spreadsheet, a negative one included, so they stay numeric; every other column is text.
 */
const NUMERIC_COLUMNS: ReadonlySet<string> = new Set(["avgDailyAssets20d", "experienceMonths"]);
const NUMBER = /^-?\d+(\.\d+)?$/;
/** What makes a spreadsheet read a cell as a formula (or start one) — OWASP's CSV injection list. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A CSV cell as a spreadsheet may safely open it (SPEC §10): text beginning with `=`, `+`, `-`, `@`,
 * tab or carriage return gets a leading `'`, so it shows as the text it is instead of running.
 */
export function csvCell(value: string, column: string | number | undefined): string {
  if (!FORMULA_START.test(value)) return value;
  if (typeof column === "string" && NUMERIC_COLUMNS.has(column) && NUMBER.test(value)) return value;
  return `'${value}`;
}

/** The CSV encoder of the export: a header row, then one line per member, every text cell neutralised. */
export function csvEncoder(): Transform {
  return stringify({
    header: true,
    columns: [...EXPORT_COLUMNS],
    cast: { string: (value, context) => csvCell(value, context.column) },
  });
}

const BATCH = 2000;

function sql(membership: SqlPredicate, scope: BranchScope, afterClientNo: string | null, limit: number | null) {
  const where = [`(${membership.sql})`];
  const params: unknown[] = [...membership.params];
  if (!scope.all) {
    where.push(scope.branch === null ? "1 = 0" : "c.`branch` = ?");
    if (scope.branch !== null) params.push(scope.branch);
  }
  if (afterClientNo !== null) {
    where.push("c.`clientNo` > ?");
    params.push(afterClientNo);
  }
  const text = `SELECT c.\`clientNo\`, c.\`type\`, c.\`branch\`, p.\`riskLevel\`, p.\`creditRating\`, p.\`avgDailyAssets20d\`,
      p.\`experienceMonths\`, p.\`asOf\`
    FROM \`client\` c JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\`
    WHERE ${where.join(" AND ")} ORDER BY c.\`clientNo\`${limit === null ? "" : " LIMIT ?"}`;
  if (limit !== null) params.push(limit);
  return { text, params };
}

/**
 * A DECIMAL(20,2) as the API writes money: MariaDB hands it over as that very text ("1234.50"),
 * so it passes through untouched; SQLite hands over a number, written with its two decimals.
 */
function moneyText(value: unknown): string {
  if (typeof value === "string" && /^-?\d+\.\d{2}$/.test(value)) return value;
  return new Decimal(typeof value === "number" ? value.toString() : String(value)).toFixed(2);
}

function toRow(raw: Record<string, unknown>, segment: string): ExportRow {
  const asOf = raw.asOf instanceof Date ? raw.asOf.toISOString().slice(0, 10) : String(raw.asOf);
  return {
    clientNo: String(raw.clientNo),
    type: String(raw.type),
    branch: String(raw.branch),
    riskLevel: (raw.riskLevel as string | null) ?? null,
    creditRating: String(raw.creditRating),
    avgDailyAssets20d: moneyText(raw.avgDailyAssets20d),
    experienceMonths: Number(raw.experienceMonths),
    segment,
    asOf,
  };
}

/**
 * Gathers small chunks (a line per row) into writes of about `bytes`: one socket write per row
 * would cost more than the row itself. What is gathered is flushed at the end, and a chunk is
 * passed on only when the next stage asks for more, so back-pressure still reaches the query.
 */
export function gatherChunks(bytes = 64 * 1024): Transform {
  let parts: string[] = [];
  let size = 0;
  return new Transform({
    writableObjectMode: false,
    decodeStrings: false,
    transform(chunk: string | Buffer, _enc, cb) {
      const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      parts.push(text);
      size += text.length;
      if (size < bytes) return cb();
      const out = parts.join("");
      parts = [];
      size = 0;
      cb(null, out);
    },
    flush(cb) {
      cb(null, parts.length === 0 ? undefined : parts.join(""));
    },
  });
}

/**
 * Every member of a segment as a stream of rows with flat memory: on MySQL one streaming query on a
 * connection of its own (destroyed at once when the reader goes away); on SQLite keyset batches.
 * Back-pressure is the stream's: rows are read only as fast as they are consumed.
 */
export async function segmentMemberStream(
  ds: DataSource,
  segmentCode: string,
  membership: SqlPredicate,
  scope: BranchScope,
): Promise<Readable> {
  if (ds.options.type === "better-sqlite3") {
    let after: string | null = null;
    let done = false;
    return new Readable({
      objectMode: true,
      highWaterMark: BATCH,
      async read() {
        if (done) return;
        try {
          const q = sql(membership, scope, after, BATCH);
          const rows = (await ds.query(q.text, q.params)) as Record<string, unknown>[];
          if (rows.length < BATCH) done = true;
          if (rows.length > 0) after = String(rows[rows.length - 1].clientNo);
          for (const r of rows) this.push(toRow(r, segmentCode));
          if (done) this.push(null);
        } catch (err) {
          this.destroy(err as Error);
        }
      },
    });
  }
  const runner: QueryRunner = ds.createQueryRunner("slave");
  const q = sql(membership, scope, null, null);
  let source: Readable;
  try {
    source = (await runner.stream(q.text, q.params)) as unknown as Readable;
  } catch (err) {
    await runner.release();
    throw err;
  }
  let released = false;
  const release = (abort: boolean) => {
    if (released) return;
    released = true;
    if (abort) {
      // A half-read result set would poison a pooled connection: drop it instead of returning it.
      (runner as unknown as { databaseConnection?: { destroy(): void } }).databaseConnection?.destroy();
    }
    void runner.release();
  };
  const rows = new Transform({
    objectMode: true,
    transform(raw: Record<string, unknown>, _enc, cb) {
      cb(null, toRow(raw, segmentCode));
    },
  });
  source.on("end", () => release(false));
  source.on("error", (err) => {
    release(true);
    rows.destroy(err);
  });
  rows.on("close", () => {
    if (!source.readableEnded) {
      source.destroy();
      release(true);
    }
  });
  return source.pipe(rows);
}
