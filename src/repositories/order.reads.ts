import { sqlInstant } from "../db/sql";
import { BadInputError } from "../errors";
import { decodeNullableCursor, encodeCursor, type CursorPart } from "../domain/paging";
import type { Where } from "./paging.reads";

/**
 * Keyset paging on a chosen sort key then id (SPEC §11 Lists). The cursor carries the row's key and
 * id, tagged with the list, the key and the direction, so a cursor of another order is refused.
 *
 * NULL sorts as the lowest value, first ascending and last descending: that is what MariaDB and
 * SQLite both do natively, so `ORDER BY key, id` can walk an index on (key) either way.
 */

/** How a key's value is carried in a cursor and bound back into SQL. */
export type SortKind = "instant" | "date" | "money" | "int" | "text";

export interface SortKey<T> {
  /** The key as an SQL expression over the list's aliases. */
  sql: string;
  kind: SortKind;
  /** Some rows have no value (a LEFT JOIN, a nullable column). */
  nullable: boolean;
  /** A unique key needs no id tie-breaker (and its cursor carries none). */
  unique?: boolean;
  valueOf(row: T): string | number | Date | null;
}

export interface KeysetOrder<T> {
  /** The cursor tag: the list, the key and the direction. */
  tag: string;
  key: SortKey<T>;
  descending: boolean;
  /** The tie-breaker column, e.g. x.`id`. */
  idSql: string;
  idOf(row: T): number;
}

/** A decoded cursor: the key's value as bound into SQL (null for a row without one), and the id. */
export interface KeysetPosition {
  value: string | number | null;
  id: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONEY = /^-?\d{1,18}(\.\d{1,2})?$/;

function invalid(): BadInputError {
  return new BadInputError("after is not a valid cursor for this list", "after");
}

function cursorValue(kind: SortKind, v: string | number | Date | null): CursorPart {
  if (v === null) return null;
  if (v instanceof Date) return v.toISOString();
  return kind === "money" ? String(v) : v;
}

/** The bound SQL value of a cursor part, checked against the key's kind. */
function boundValue(kind: SortKind, part: CursorPart): string | number | null {
  if (part === null) return null;
  switch (kind) {
    case "int":
      if (typeof part !== "number") throw invalid();
      return part;
    case "instant": {
      const d = typeof part === "string" ? new Date(part) : new Date(NaN);
      if (Number.isNaN(d.getTime())) throw invalid();
      return sqlInstant(d);
    }
    case "date":
      if (typeof part !== "string" || !DATE.test(part)) throw invalid();
      return part;
    case "money":
      if (typeof part !== "string" || !MONEY.test(part)) throw invalid();
      return part;
    case "text":
      if (typeof part !== "string") throw invalid();
      return part;
  }
}

export function cursorOf<T>(order: KeysetOrder<T>, row: T): string {
  const value = cursorValue(order.key.kind, order.key.valueOf(row));
  return encodeCursor(order.tag, order.key.unique ? [value] : [value, order.idOf(row)]);
}

export function decodePosition<T>(order: KeysetOrder<T>, after: string | null | undefined): KeysetPosition | null {
  const parts = decodeNullableCursor(order.tag, after, order.key.unique ? 1 : 2);
  if (parts === null) return null;
  const value = boundValue(order.key.kind, parts[0]);
  if (value === null && !order.key.nullable) throw invalid();
  if (order.key.unique) return { value, id: 0 };
  const id = parts[1];
  if (typeof id !== "number") throw invalid();
  return { value, id };
}

/** Money is compared as DECIMAL on both engines: MariaDB would compare text with a DECIMAL as a double. */
function placeholder(kind: SortKind): string {
  return kind === "money" ? "CAST(? AS DECIMAL(20,2))" : "?";
}

export function orderBySql<T>(order: KeysetOrder<T>): string {
  const dir = order.descending ? "DESC" : "ASC";
  return order.key.unique ? `${order.key.sql} ${dir}` : `${order.key.sql} ${dir}, ${order.idSql} ${dir}`;
}

/** Rows strictly after `position` in the order, as a WHERE condition. */
export function addKeysetAfter<T>(where: Where, order: KeysetOrder<T>, position: KeysetPosition | null): void {
  if (position === null) return;
  const { key, idSql, descending } = order;
  const op = descending ? "<" : ">";
  const ph = placeholder(key.kind);
  if (key.unique) {
    where.add(`${key.sql} ${op} ${ph}`, position.value);
    return;
  }
  if (position.value === null) {
    // Among the NULLs by id; ascending, every non-NULL comes after them.
    const rest = descending ? "" : ` OR ${key.sql} IS NOT NULL`;
    where.add(`((${key.sql} IS NULL AND ${idSql} ${op} ?)${rest})`, position.id);
    return;
  }
  // Descending, the NULLs come after every value.
  const nulls = descending && key.nullable ? ` OR ${key.sql} IS NULL` : "";
  where.add(
    `(${key.sql} ${op} ${ph} OR (${key.sql} = ${ph} AND ${idSql} ${op} ?)${nulls})`,
    position.value,
    position.value,
    position.id,
  );
}

/** The order asked for among a list's keys (by GraphQL field name), or the list's default order. */
export function keysetOrder<T>(
  list: string,
  keys: Record<string, SortKey<T>>,
  idSql: string,
  idOf: (row: T) => number,
  defaultField: string,
  requested: { field: string; direction?: string | null } | null | undefined,
): KeysetOrder<T> {
  const field = requested?.field ?? defaultField;
  const key = keys[field];
  if (key === undefined) throw new BadInputError("orderBy names no field of this list", "orderBy");
  const descending = requested?.direction === "DESC";
  // The default order keeps the list's original tag, so cursors handed out before orderBy stay valid.
  const tag = field === defaultField && !descending ? list : `${list}:${field}:${descending ? "DESC" : "ASC"}`;
  return { tag, key, descending, idSql, idOf };
}
