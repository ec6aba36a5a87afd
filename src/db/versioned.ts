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
