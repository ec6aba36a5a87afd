import { Transform } from "node:stream";
import type { ExportFormat } from "./format";

/** One JSON object per line, keys in the row's own order. */
export const ndjson: ExportFormat = {
  contentType: "application/x-ndjson; charset=utf-8",
  encoder: () =>
    new Transform({
      writableObjectMode: true,
      transform(row: unknown, _enc, cb) {
        cb(null, `${JSON.stringify(row)}\n`);
      },
    }),
};
