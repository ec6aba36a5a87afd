import { Readable } from "node:stream";
import type { QueryRunner } from "typeorm";
import { InvariantError } from "../errors";

/** The part of a mysql2 connection `LOAD DATA LOCAL INFILE` needs: the rows come from a stream, not a file. */
interface InfileConnection {
  query(
    options: { sql: string; infileStreamFactory: () => Readable },
    callback: (err: Error | null, result: { affectedRows: number; warningStatus: number }) => void,
  ): void;
}

const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0" };

/** A value in LOAD DATA's default text format: tab-separated, backslash escapes, `\N` for NULL. */
function field(value: unknown): string {
  if (value === null) return "\\N";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string") return SPECIAL.test(value) ? value.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]) : value;
  throw new InvariantError(`the demo book loads numbers, text and NULL, not ${typeof value}`);
}

/** Rows in LOAD DATA's text format, one line each. */
export function loadText(rows: readonly unknown[][]): Buffer {
  let text = "";
  for (const row of rows) {
    for (let i = 0; i < row.length; i += 1) text += i === 0 ? field(row[i]) : `\t${field(row[i])}`;
    text += "\n";
  }
  return Buffer.from(text, "utf8");
}

/**
 * Writes rows of one table on MariaDB with `LOAD DATA LOCAL INFILE` from memory (`loadText`'s parts, in
 * order), on the runner's connection and so in its transaction: the server spends about half the CPU per
 * row a multi-row INSERT costs it, and Node skips escaping every value into SQL. LOCAL turns bad values
 * and duplicate keys into warnings and skipped rows, so anything but every row loaded without a warning
 * is an error.
 */
export async function loadRows(
  runner: QueryRunner,
  table: string,
  columns: readonly string[],
  parts: readonly Buffer[],
  rows: number,
): Promise<void> {
  const connection = (await runner.connect()) as InfileConnection;
  const sql = `LOAD DATA LOCAL INFILE 'demo-book' INTO TABLE \`${table}\` CHARACTER SET utf8mb4 (${columns.map((c) => `\`${c}\``).join(", ")})`;
  const result = await new Promise<{ affectedRows: number; warningStatus: number }>((resolve, reject) =>
    connection.query({ sql, infileStreamFactory: () => Readable.from(parts) }, (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );
  if (result.affectedRows !== rows || result.warningStatus !== 0) {
    throw new InvariantError(
      `LOAD DATA into ${table} wrote ${result.affectedRows} of ${rows} rows with ${result.warningStatus} warnings`,
    );
  }
}
