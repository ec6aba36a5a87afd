import { Transform } from "node:stream";
import { stringify } from "csv-stringify";
import { EXPORT_COLUMNS } from "../segments/members-stream";

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
