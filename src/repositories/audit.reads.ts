import { sqlInstant } from "../db/sql";
import { AuditEntryEntity } from "../entities";
import { BadInputError } from "../errors";
import { checkFirst, decodeCursor, encodeCursor, type Page } from "../domain/paging";
import { countOf, Where, type PageArgs } from "./paging.reads";
import type { ReadPool } from "./read-pool";

export interface AuditListFilter {
  entityId?: string | null;
  actor?: string | null;
  action?: string | null;
}

/** The audit trail by (at, id), keyset-paged, with its filter (SPEC §5 audit). */
export async function listAudit(
  db: ReadPool,
  args: PageArgs,
  filter: AuditListFilter | null | undefined,
): Promise<Page<AuditEntryEntity>> {
  const first = checkFirst(args.first);
  const afterKey = decodeCursor("audit", args.after, 2);
  const where = new Where();
  const f = filter ?? {};
  if (f.entityId) where.add("a.`entityId` = ?", f.entityId);
  if (f.actor) where.add("a.`actor` = ?", f.actor);
  if (f.action) where.add("a.`action` = ?", f.action);
  const total = countOf(db, `SELECT COUNT(*) AS n FROM \`audit_entry\` a ${where.sql()}`, where.params);
  if (afterKey !== null) {
    const when = new Date(String(afterKey[0]));
    if (Number.isNaN(when.getTime()) || typeof afterKey[1] !== "number") {
      throw new BadInputError("after is not a valid cursor for this list", "after");
    }
    const at = sqlInstant(when);
    where.add("(a.`at` > ? OR (a.`at` = ? AND a.`id` > ?))", at, at, Number(afterKey[1]));
  }
  const rows = await db.rows(
    AuditEntryEntity,
    `SELECT a.* FROM \`audit_entry\` a ${where.sql()} ORDER BY a.\`at\`, a.\`id\` LIMIT ?`,
    [...where.params, first + 1],
  );
  return {
    rows: rows.slice(0, first),
    hasNextPage: rows.length > first,
    hasPreviousPage: afterKey !== null,
    cursorOf: (r) => encodeCursor("audit", [r.at.toISOString(), r.id]),
    total,
  };
}

export function auditByIds(db: ReadPool, ids: readonly number[]): Promise<AuditEntryEntity[]> {
  return db.byIds(AuditEntryEntity, ids);
}
