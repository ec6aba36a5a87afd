import { placeholders } from "../db/sql";
import { CreditFacilityEntity } from "../entities";
import type { FacilityStatus } from "../domain/enums";
import { LIMIT_HOLDING } from "../domain/facility-status";
import type { BranchScope } from "../domain/scope";
import type { Page } from "../domain/paging";
import { listOwned, ownedByIds, Where, type PageArgs } from "./paging.reads";
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

export function listFacilities(
  db: ReadPool,
  args: PageArgs,
  filter: FacilityListFilter | null | undefined,
  scope: BranchScope,
): Promise<Page<CreditFacilityEntity>> {
  const where = new Where();
  const f = filter ?? {};
  where.inList("x.`status`", f.statuses);
  let join = "";
  if (f.productCode !== null && f.productCode !== undefined) {
    join = "JOIN `product` pr ON pr.`id` = x.`productId`";
    where.add("pr.`code` = ?", f.productCode);
  }
  if (f.maturityBefore) where.add("x.`maturityDate` < ?", f.maturityBefore);
  return listOwned(db, CreditFacilityEntity, "facility", args, where, scope, join);
}
