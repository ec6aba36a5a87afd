import { BadInputError } from "../errors";

export const MAX_PAGE = 500;

export function checkFirst(first: number, argument = "first"): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw new BadInputError(`${argument} must be between 1 and ${MAX_PAGE}`, argument);
  }
  return first;
}

/**
 * Cursors are opaque to clients: base64url of a small JSON tuple tagged with the order it belongs to,
 * so a cursor from one list is refused by another.
 */
export function encodeCursor(order: string, key: CursorPart[]): string {
  return Buffer.from(JSON.stringify([order, ...key])).toString("base64url");
}

/** A cursor's key parts: text, a safe integer, or null (only where the order's key may be null). */
export type CursorPart = string | number | null;

export function decodeCursor(
  order: string,
  cursor: string | null | undefined,
  arity: number,
): (string | number)[] | null {
  const key = decodeNullableCursor(order, cursor, arity);
  if (key !== null && key.some((k) => k === null)) throw invalidCursor();
  return key as (string | number)[] | null;
}

function invalidCursor(): BadInputError {
  return new BadInputError("after is not a valid cursor for this list", "after");
}

/** As decodeCursor, but a key part may be null (a sort key that a row may lack). */
export function decodeNullableCursor(
  order: string,
  cursor: string | null | undefined,
  arity: number,
): CursorPart[] | null {
  if (cursor === null || cursor === undefined) return null;
  const invalid = invalidCursor;
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== order) throw invalid();
  const key = parsed.slice(1);
  const valid = (k: unknown) =>
    k === null || typeof k === "string" || (typeof k === "number" && Number.isSafeInteger(k));
  if (!key.every(valid)) throw invalid();
  return key as CursorPart[];
}

/** Creation-ordered lists: (createdAt, id). */
export interface CreationKey {
  createdAt: Date;
  id: number;
}

export function creationCursor(order: string, row: CreationKey): string {
  return encodeCursor(order, [row.createdAt.toISOString(), row.id]);
}

export function decodeCreationCursor(order: string, cursor: string | null | undefined): CreationKey | null {
  const key = decodeCursor(order, cursor, 2);
  if (key === null) return null;
  const [at, id] = key;
  const createdAt = typeof at === "string" ? new Date(at) : new Date(NaN);
  if (Number.isNaN(createdAt.getTime()) || typeof id !== "number") {
    throw new BadInputError("after is not a valid cursor for this list", "after");
  }
  return { createdAt, id };
}

/** One page of a keyset list; `total` runs only when a client selects totalCount. */
export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf(row: T): string;
  total(): Promise<number>;
}
