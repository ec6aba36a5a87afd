import type { Readable } from "node:stream";
import Decimal from "decimal.js";
import type { DataSource } from "typeorm";
import * as catalogueReads from "../../repositories/catalogue.reads";
import type { ReadPool } from "../../repositories/read-pool";
import { streamMembers, type MemberRow } from "../../repositories/segment-membership.reads";
import type { BranchScope } from "../access/viewer";
import { activeSegments } from "../fit/catalogue";
import { membershipAmong } from "./membership";

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
 * A DECIMAL(20,2) as the API writes money: MariaDB hands it over as that very text ("1234.50"),
 * so it passes through untouched; SQLite hands over a number, written with its two decimals.
 */
function moneyText(value: unknown): string {
  if (typeof value === "string" && /^-?\d+\.\d{2}$/.test(value)) return value;
  return new Decimal(typeof value === "number" ? value.toString() : String(value)).toFixed(2);
}

function toRow(raw: MemberRow, segment: string): ExportRow {
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
 * Every member of a segment in scope, as a stream of export rows with flat memory (see
 * streamMembers): the segment and the active catalogue are read on the primary, the members on the
 * export source (a replica when configured). Null for an unknown segment.
 */
export async function memberStream(
  primary: ReadPool,
  exportSource: DataSource,
  segmentCode: string,
  scope: BranchScope,
): Promise<{ code: string; rows: Readable } | null> {
  const segment = await catalogueReads.segmentByCode(primary, segmentCode);
  if (segment === null) return null;
  const membership = membershipAmong(segment, activeSegments(await catalogueReads.segments(primary, true)));
  const rows = await streamMembers(exportSource, membership, scope, (raw) => toRow(raw, segment.code));
  return { code: segment.code, rows };
}
