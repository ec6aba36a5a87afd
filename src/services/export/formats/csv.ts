import { stringify } from "csv-stringify";
import type { ExportFormat } from "./format";

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

/** A header row, then one line per row, every text cell neutralised. */
export const csv: ExportFormat = {
  contentType: "text/csv; charset=utf-8",
  encoder: (columns) =>
    stringify({
      header: true,
      columns: [...columns],
      cast: { string: (value, context) => csvCell(value, context.column) },
    }),
};
