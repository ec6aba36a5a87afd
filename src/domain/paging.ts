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
export function encodeCursor(order: string, key: (string | number)[]): string {
  return Buffer.from(JSON.stringify([order, ...key])).toString("base64url");
}

export function decodeCursor(
  order: string,
  cursor: string | null | undefined,
  arity: number,
): (string | number)[] | null {
  if (cursor === null || cursor === undefined) return null;
  const invalid = () => new BadInputError("after is not a valid cursor for this list", "after");
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== order) throw invalid();
  const key = parsed.slice(1);
  if (!key.every((k) => typeof k === "string" || (typeof k === "number" && Number.isSafeInteger(k)))) throw invalid();
  return key as (string | number)[];
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
