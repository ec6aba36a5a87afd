import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";

/**
 * Raw SQL that runs unchanged on MariaDB and SQLite: identifiers in backticks (SQLite accepts them),
 * `?` placeholders, no engine-specific functions unless the caller branches on `engine`.
 */

export function placeholders(n: number): string {
  return new Array(n).fill("?").join(",");
}

/** The text both engines compare instants by: SQLite stores `YYYY-MM-DD HH:MM:SS.SSS` (UTC). */
export function sqlInstant(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "");
}

/** Escapes LIKE wildcards in a prefix; use with `ESCAPE '!'`. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * Turns raw rows into entities through TypeORM's own column hydration (transformers, booleans,
 * dates, JSON), without the cost of a query builder. Unknown columns (e.g. a window's row number)
 * are ignored.
 */
export function hydrate<T extends ObjectLiteral>(ds: DataSource, target: EntityTarget<T>, rows: ObjectLiteral[]): T[] {
  const meta = ds.getMetadata(target);
  const columns = meta.columns;
  const driver = ds.driver;
  return rows.map((row) => {
    const entity = meta.create() as T;
    for (const column of columns) {
      const raw = row[column.databaseName];
      if (raw === undefined) continue;
      (entity as Record<string, unknown>)[column.propertyName] = driver.prepareHydratedValue(raw, column);
    }
    return entity;
  });
}

/** Raw COUNT(*) is a string on MariaDB and a number on SQLite. */
export function toCount(value: unknown): number {
  return typeof value === "number" ? value : Number(value ?? 0);
}

/** Multi-row INSERT of already-converted values, in chunks the drivers accept. */
export async function insertRows(
  run: (sql: string, params: unknown[]) => Promise<unknown>,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  chunk = 500,
): Promise<void> {
  const cols = columns.map((c) => `\`${c}\``).join(", ");
  const tuple = `(${placeholders(columns.length)})`;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await run(`INSERT INTO \`${table}\` (${cols}) VALUES ${part.map(() => tuple).join(", ")}`, part.flat());
  }
}
