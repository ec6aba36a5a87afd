import { AlertEntity } from "../entities";
import { AlertSeverity, type AlertKind } from "../domain/enums";
import type { BranchScope } from "../domain/scope";
import type { Page } from "../domain/paging";
import { AlertOrderField, type ListOrder } from "../domain/order";
import { creationKey, listOwned, ownedByIds, Where, type PageArgs } from "./paging.reads";
import { keysetOrder, type SortKey } from "./order.reads";
import type { ReadPool } from "./read-pool";

export interface AlertListFilter {
  kinds?: AlertKind[] | null;
  severities?: AlertSeverity[] | null;
  openOnly?: boolean | null;
}

export function alertsByIds(db: ReadPool, ids: readonly number[], scope: BranchScope): Promise<AlertEntity[]> {
  return ownedByIds(db, AlertEntity, ids, scope);
}

/** Severity sorts by rank (INFO < WARNING < CRITICAL), not by its name. */
const SEVERITY_RANK: Record<AlertSeverity, number> = {
  [AlertSeverity.INFO]: 1,
  [AlertSeverity.WARNING]: 2,
  [AlertSeverity.CRITICAL]: 3,
};
const SEVERITY_SQL = `(CASE x.\`severity\` ${Object.entries(SEVERITY_RANK)
  .map(([s, rank]) => `WHEN '${s}' THEN ${rank}`)
  .join(" ")} END)`;

const ALERT_KEYS: Record<AlertOrderField, SortKey<AlertEntity>> = {
  [AlertOrderField.RAISED_AT]: { sql: "x.`raisedAt`", kind: "instant", nullable: false, valueOf: (a) => a.raisedAt },
  [AlertOrderField.SEVERITY]: {
    sql: SEVERITY_SQL,
    kind: "int",
    nullable: false,
    valueOf: (a) => SEVERITY_RANK[a.severity],
  },
};

/** Without orderBy, alerts come by creation (the list's order before orderBy, and its cursors). */
const ALERT_KEYS_BY_CREATION: Record<string, SortKey<AlertEntity>> = { ...ALERT_KEYS, CREATED: creationKey() };

export function listAlerts(
  db: ReadPool,
  args: PageArgs,
  filter: AlertListFilter | null | undefined,
  scope: BranchScope,
  orderBy?: ListOrder<AlertOrderField> | null,
): Promise<Page<AlertEntity>> {
  const order = keysetOrder("alert", ALERT_KEYS_BY_CREATION, "x.`id`", (a) => a.id, "CREATED", orderBy);
  const where = new Where();
  const f = filter ?? {};
  where.inList("x.`kind`", f.kinds);
  where.inList("x.`severity`", f.severities);
  if (f.openOnly !== false) where.add("x.`resolvedAt` IS NULL");
  return listOwned(db, AlertEntity, order, args, where, scope);
}

/** The nested `alerts(openOnly:)` filter of a client: "open" for unresolved ones only. */
export function alertOpenFilter(open: string, where: Where): void {
  if (open === "open") where.add("x.`resolvedAt` IS NULL");
}
