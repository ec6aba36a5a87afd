import { FacilityStatus } from "../domain/enums";
import { addDays } from "../domain/dates";
import type { SqlPredicate } from "./segment-membership.sql";

/**
 * SQL fragments the tracking reads and the segment snapshot share (SPEC §13). A facility carries its
 * current state only, so its past is read from dates it keeps: it is in force from `startDate` (signed)
 * until it left force — `defaultedAt`, the first move to LIQUIDATING, or, for a CLOSED facility, its
 * `updatedAt`: CLOSED is final and no write touches a closed facility again, so that is when it closed.
 */

/** The first instant of the day after `date`, as both engines compare instants. */
export function dayAfter(date: string): string {
  return `${addDays(date, 1)} 00:00:00.000`;
}

/** The first instant of `date`. */
export function dayStart(date: string): string {
  return `${date} 00:00:00.000`;
}

/** Facility `f` was in force at the end of `date`: signed by then and not yet out of force. */
export function inForceAt(f: string, date: string): SqlPredicate {
  const next = dayAfter(date);
  return {
    sql: `(${f}.\`startDate\` IS NOT NULL AND ${f}.\`startDate\` <= ? AND (${f}.\`defaultedAt\` IS NULL OR ${f}.\`defaultedAt\` >= ?)
      AND (${f}.\`status\` <> ? OR ${f}.\`updatedAt\` >= ?))`,
    params: [date, next, FacilityStatus.CLOSED, next],
  };
}

/** Facility `f` was in force at some moment of [from, to]: signed by `to`, not out of force before `from` began. */
export function inForceDuring(f: string, from: string, to: string): SqlPredicate {
  const start = dayStart(from);
  return {
    sql: `(${f}.\`startDate\` IS NOT NULL AND ${f}.\`startDate\` <= ? AND (${f}.\`defaultedAt\` IS NULL OR ${f}.\`defaultedAt\` >= ?)
      AND (${f}.\`status\` <> ? OR ${f}.\`updatedAt\` >= ?))`,
    params: [to, start, FacilityStatus.CLOSED, start],
  };
}

/**
 * Exact cents of a DECIMAL(20,2) sum: MariaDB sums DECIMAL exactly, SQLite holds the values as doubles
 * (exact to the cent below ~10^13), so there each is rounded to whole cents before an integer SUM.
 */
export function sumCents(mysql: boolean, expr: string): string {
  return mysql ? `SUM(${expr} * 100)` : `SUM(CAST(ROUND((${expr}) * 100) AS INTEGER))`;
}
