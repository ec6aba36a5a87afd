import type { Transform } from "node:stream";

/** How an export is written: its media type, and an encoder from row objects to text. */
export interface ExportFormat {
  contentType: string;
  /** A fresh encoder for one export; `columns` in order (a header where the format has one). */
  encoder(columns: readonly string[]): Transform;
}
