import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import { InvariantError } from "../errors";

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
 * are ignored. Columns the driver would hand back unchanged (integers, text, string enums, without a
 * transformer) are copied as they are; the plan of which is which is worked out once per entity.
 */
export function hydrate<T extends ObjectLiteral>(ds: DataSource, target: EntityTarget<T>, rows: ObjectLiteral[]): T[] {
  const plan = hydrationPlan(ds, target);
  return rows.map((row) => {
    const entity = plan.create() as Record<string, unknown>;
    for (const column of plan.columns) {
      const raw = row[column.name];
      if (raw === undefined) continue;
      entity[column.property] = column.convert === null ? raw : column.convert(raw);
    }
    return entity as T;
  });
}

interface HydrationPlan {
  create(): ObjectLiteral;
  columns: { name: string; property: string; convert: ((raw: unknown) => unknown) | null }[];
}

const PLAIN_TYPES = new Set<unknown>(["int", "integer", "varchar", "char", "text"]);
const plans = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, HydrationPlan>>();

function hydrationPlan(ds: DataSource, target: EntityTarget<ObjectLiteral>): HydrationPlan {
  let perSource = plans.get(ds);
  if (perSource === undefined) plans.set(ds, (perSource = new Map()));
  let plan = perSource.get(target);
  if (plan !== undefined) return plan;
  const meta = ds.getMetadata(target);
  const driver = ds.driver;
  plan = {
    create: () => meta.create(),
    columns: meta.columns.map((column) => ({
      name: column.databaseName,
      property: column.propertyName,
      convert: unchangedByDriver(column) ? null : (raw: unknown) => driver.prepareHydratedValue(raw, column),
    })),
  };
  perSource.set(target, plan);
  return plan;
}

/** Both drivers return these as they came: no transformer, and a type they do not convert. */
export function unchangedByDriver(column: ColumnMetadata): boolean {
  if (column.transformer !== undefined) return false;
  if (PLAIN_TYPES.has(column.type)) return true;
  // A string-only enum: the drivers turn numeric text into a number only when the enum holds numbers.
  return (
    (column.type === "simple-enum" || column.type === "enum") &&
    !column.isArray &&
    (column.enum ?? []).every((v) => typeof v === "string" && Number.isNaN(Number(v)))
  );
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

/**
 * Multi-row INSERT that skips rows a unique index already holds (an open alert or review of the same
 * kind, SPEC §10): `ON DUPLICATE KEY UPDATE` a no-op on MySQL, `ON CONFLICT DO NOTHING` on SQLite.
 * Returns how many rows were inserted. Runs on the caller's transaction.
 */
export async function insertSkippingDuplicates(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  chunk = 500,
): Promise<number> {
  const runner = manager.queryRunner;
  if (!runner) throw new InvariantError("insertSkippingDuplicates runs inside a transaction");
  const mysql = manager.connection.options.type !== "better-sqlite3";
  const cols = columns.map((c) => `\`${c}\``).join(", ");
  const tuple = `(${placeholders(columns.length)})`;
  let inserted = 0;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const values = part.map(() => tuple).join(", ");
    const tail = mysql ? " ON DUPLICATE KEY UPDATE `id` = `id`" : " ON CONFLICT DO NOTHING";
    const result = (await runner.query(
      `INSERT INTO \`${table}\` (${cols}) VALUES ${values}${tail}`,
      part.flat(),
      true,
    )) as { affected?: number };
    inserted += result.affected ?? 0;
  }
  return inserted;
}

/** A unique index refused the write (MySQL ER_DUP_ENTRY, SQLite UNIQUE constraint). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { errno?: unknown; code?: unknown; driverError?: { errno?: unknown; code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  const errno = e?.driverError?.errno ?? e?.errno;
  return (
    errno === 1062 ||
    code === "ER_DUP_ENTRY" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}

/**
 * Whether the unique index `index` refused the write: MySQL names the index in its message
 * (`for key 'UQ_x'`, MySQL 8 `for key 'table.UQ_x'`), SQLite the index's columns (`table.a, table.b`).
 */
export function violatesUniqueIndex(err: unknown, index: string, table: string, columns: readonly string[]): boolean {
  if (!isUniqueViolation(err)) return false;
  const message = String((err as { message?: unknown }).message ?? "");
  return (
    new RegExp(`for key '(?:[^']*\\.)?${index}'`).test(message) ||
    message.endsWith(`UNIQUE constraint failed: ${columns.map((c) => `${table}.${c}`).join(", ")}`)
  );
}
