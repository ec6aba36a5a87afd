import { AlertEntity } from "../entities";
import type { AlertKind, AlertSeverity } from "../domain/enums";
import type { BranchScope } from "../domain/scope";
import type { Page } from "../domain/paging";
import { listOwned, ownedByIds, Where, type PageArgs } from "./paging.reads";
import type { ReadPool } from "./read-pool";

export interface AlertListFilter {
  kinds?: AlertKind[] | null;
  severities?: AlertSeverity[] | null;
  openOnly?: boolean | null;
}

export function alertsByIds(db: ReadPool, ids: readonly number[], scope: BranchScope): Promise<AlertEntity[]> {
  return ownedByIds(db, AlertEntity, ids, scope);
}

export function listAlerts(
  db: ReadPool,
  args: PageArgs,
  filter: AlertListFilter | null | undefined,
  scope: BranchScope,
): Promise<Page<AlertEntity>> {
  const where = new Where();
  const f = filter ?? {};
  where.inList("x.`kind`", f.kinds);
  where.inList("x.`severity`", f.severities);
  if (f.openOnly !== false) where.add("x.`resolvedAt` IS NULL");
  return listOwned(db, AlertEntity, "alert", args, where, scope);
}

/** The nested `alerts(openOnly:)` filter of a client: "open" for unresolved ones only. */
export function alertOpenFilter(open: string, where: Where): void {
  if (open === "open") where.add("x.`resolvedAt` IS NULL");
}
