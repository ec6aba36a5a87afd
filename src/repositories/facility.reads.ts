import { placeholders } from "../db/sql";
import { CreditFacilityEntity } from "../entities";
import type { FacilityStatus } from "../domain/enums";
import { LIMIT_HOLDING } from "../domain/facility-status";
import type { BranchScope } from "../domain/scope";
import type { Page } from "../domain/paging";
import { FacilityOrderField, type ListOrder } from "../domain/order";
import { creationKey, listOwned, ownedByIds, Where, type PageArgs } from "./paging.reads";
import { keysetOrder, type SortKey } from "./order.reads";
import type { ReadPool } from "./read-pool";

export interface FacilityListFilter {
  statuses?: FacilityStatus[] | null;
  productCode?: string | null;
  maturityBefore?: string | null;
}

export async function facilitiesOfClients(db: ReadPool, clientIds: readonly number[]): Promise<CreditFacilityEntity[]> {
  if (clientIds.length === 0) return [];
  return db.rows(
    CreditFacilityEntity,
    `SELECT * FROM \`credit_facility\` WHERE \`clientId\` IN (${placeholders(clientIds.length)}) ORDER BY \`createdAt\`, \`id\``,
    clientIds,
  );
}

/** Only what open limits need: facilities holding a limit, three columns each. */
export async function facilityLimitsOfClients(
  db: ReadPool,
  clientIds: readonly number[],
): Promise<CreditFacilityEntity[]> {
  if (clientIds.length === 0) return [];
  return db.rows(
    CreditFacilityEntity,
    `SELECT \`clientId\`, \`productId\`, \`status\`, \`approvedLimit\` FROM \`credit_facility\`
      WHERE \`clientId\` IN (${placeholders(clientIds.length)}) AND \`status\` IN (${placeholders(LIMIT_HOLDING.length)})
      AND \`approvedLimit\` IS NOT NULL`,
    [...clientIds, ...LIMIT_HOLDING],
  );
}

export function facilitiesByIds(
  db: ReadPool,
  ids: readonly number[],
  scope: BranchScope,
): Promise<CreditFacilityEntity[]> {
  return ownedByIds(db, CreditFacilityEntity, ids, scope);
}

/** Facility orders: maturity and approved limit are null until the facility is signed or approved. */
const FACILITY_KEYS: Record<FacilityOrderField, SortKey<CreditFacilityEntity>> = {
  [FacilityOrderField.CREATED_AT]: creationKey(),
  [FacilityOrderField.MATURITY_DATE]: {
    sql: "x.`maturityDate`",
    kind: "date",
    nullable: true,
    valueOf: (f) => f.maturityDate,
  },
  [FacilityOrderField.APPROVED_LIMIT]: {
    sql: "x.`approvedLimit`",
    kind: "money",
    nullable: true,
    valueOf: (f) => (f.approvedLimit === null ? null : f.approvedLimit.toFixed(2)),
  },
};

export function listFacilities(
  db: ReadPool,
  args: PageArgs,
  filter: FacilityListFilter | null | undefined,
  scope: BranchScope,
  orderBy?: ListOrder<FacilityOrderField> | null,
): Promise<Page<CreditFacilityEntity>> {
  const order = keysetOrder("facility", FACILITY_KEYS, "x.`id`", (f) => f.id, FacilityOrderField.CREATED_AT, orderBy);
  const where = new Where();
  const f = filter ?? {};
  where.inList("x.`status`", f.statuses);
  let join = "";
  if (f.productCode !== null && f.productCode !== undefined) {
    join = "JOIN `product` pr ON pr.`id` = x.`productId`";
    where.add("pr.`code` = ?", f.productCode);
  }
  if (f.maturityBefore) where.add("x.`maturityDate` < ?", f.maturityBefore);
  return listOwned(db, CreditFacilityEntity, order, args, where, scope, join);
}
