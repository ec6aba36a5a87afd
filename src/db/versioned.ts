import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { UserErrorCode } from "../domain/enums";
import { Refusal } from "../errors";

/** A write that lost the optimistic race: someone else changed the row since the caller read it. */
export function conflict(): Refusal {
  return Refusal.of(UserErrorCode.CONFLICT, "The record was changed by someone else; reload and retry", [
    "input",
    "expectedVersion",
  ]);
}

export function checkVersion(current: number, expected: number): void {
  if (current !== expected) throw conflict();
}

/**
 * The optimistic check, enforced by the database: the UPDATE only matches the row at the version the
 * caller saw; no match means someone else wrote first (CONFLICT, and the transaction rolls back).
 */
export async function updateVersioned<T extends ObjectLiteral & { id: number; version: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: T,
  expectedVersion: number,
  changes: Partial<T>,
): Promise<T> {
  const result = await manager.update(
    target,
    { id: row.id, version: expectedVersion } as never,
    { ...changes, version: expectedVersion + 1 } as never,
  );
  if (!result.affected) throw conflict();
  return Object.assign(row, changes, { version: expectedVersion + 1 });
}

/** One row of updateVersionedMany: the row as the caller read it (its version is the one expected). */
export interface VersionedChange<T> {
  row: T;
  changes: Partial<T>;
}

/** Rows per UPDATE statement of updateVersionedMany (its parameters stay far below either engine's limit). */
const ROWS_PER_UPDATE = 200;

/**
 * updateVersioned for many rows of one table, in one statement per 200 rows instead of one per row
 * (a batch of valuations writes its facilities this way): each column changed for some row is set
 * with `CASE id WHEN … THEN … ELSE column END`, every row's version goes up by one, and the statement
 * matches only `(id = … AND version = …) OR …` at the versions the caller read. Fewer rows matched than
 * given means someone else wrote one of them first: CONFLICT, and the transaction rolls back. Values go
 * through each column's transformer and the driver's conversion, as in a one-row update. Rows are
 * updated in place, as updateVersioned does. Each row appears once.
 */
export async function updateVersionedMany<T extends ObjectLiteral & { id: number; version: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  items: readonly VersionedChange<T>[],
): Promise<void> {
  if (items.length === 1) {
    await updateVersioned(manager, target, items[0].row, items[0].row.version, items[0].changes);
    return;
  }
  if (new Set(items.map(({ row }) => row.id)).size !== items.length) throw new Error("one change per row");
  const metadata = manager.connection.getMetadata(target);
  const driver = manager.connection.driver;
  const column = (property: string) => {
    const c = metadata.findColumnWithPropertyName(property);
    if (c === undefined) throw new Error(`${metadata.name} has no column ${property}`);
    return c;
  };
  const id = driver.escape(column("id").databaseName);
  const version = driver.escape(column("version").databaseName);
  for (let start = 0; start < items.length; start += ROWS_PER_UPDATE) {
    const chunk = items.slice(start, start + ROWS_PER_UPDATE);
    for (const { row } of chunk) {
      if (!Number.isSafeInteger(row.id) || !Number.isSafeInteger(row.version))
        throw new Error("ids and versions are integers");
    }
    const properties = [...new Set(chunk.flatMap(({ changes }) => Object.keys(changes)))].filter(
      (p) => p !== "id" && p !== "version",
    );
    const parameters: Record<string, unknown> = {};
    const set: Record<string, () => string> = {};
    properties.forEach((property, p) => {
      const c = column(property);
      const whens = chunk.flatMap(({ row, changes }, r) => {
        if (!(property in changes)) return [];
        parameters[`v${p}_${r}`] = driver.preparePersistentValue(changes[property], c);
        return [`WHEN ${row.id} THEN :v${p}_${r}`];
      });
      set[property] = () => `CASE ${id} ${whens.join(" ")} ELSE ${driver.escape(c.databaseName)} END`;
    });
    set.version = () => `${version} + 1`;
    const result = await manager
      .createQueryBuilder()
      .update(target)
      .set(set as never)
      .where(chunk.map(({ row }) => `(${id} = ${row.id} AND ${version} = ${row.version})`).join(" OR "))
      .setParameters(parameters)
      .updateEntity(false)
      .execute();
    if (result.affected !== chunk.length) throw conflict();
  }
  for (const { row, changes } of items) Object.assign(row, changes, { version: row.version + 1 });
}
