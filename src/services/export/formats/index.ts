import { csv } from "./csv";
import type { ExportFormat } from "./format";
import { ndjson } from "./ndjson";

export type { ExportFormat } from "./format";

/** The export formats by the name `?format=` gives; the first is the default. A new format: its file, one line here. */
const FORMATS = {
  ndjson,
  csv,
} satisfies Record<string, ExportFormat>;

export type ExportFormatName = keyof typeof FORMATS;

export const EXPORT_FORMAT_NAMES = Object.keys(FORMATS) as ExportFormatName[];
export const DEFAULT_EXPORT_FORMAT: ExportFormatName = EXPORT_FORMAT_NAMES[0];

export function isExportFormat(name: string): name is ExportFormatName {
  return Object.prototype.hasOwnProperty.call(FORMATS, name);
}

export function exportFormat(name: ExportFormatName): ExportFormat {
  return FORMATS[name];
}
