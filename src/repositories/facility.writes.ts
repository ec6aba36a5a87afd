import type Decimal from "decimal.js";
import type { EntityManager } from "typeorm";
import { FacilityApprovalEntity } from "../entities";
import { placeholders, sqlInstant, violatesUniqueIndex } from "../db/sql";
import { IN_FORCE, OPEN } from "../domain/facility-status";

/**
 * Records one officer's decision on a facility. False when the officer has decided on it already:
 * UQ_facility_approval_officer compares officers as the database collates them (MariaDB: accents
 * too), so two spellings of one person are one officer (four eyes, SPEC §5).
 */
export async function recordApproval(
  manager: EntityManager,
  a: {
    facilityId: number;
    officer: string;
    approve: boolean;
    approvedLimit: Decimal | null;
    note: string | null;
    at: Date;
  },
): Promise<boolean> {
  try {
    await manager.insert(FacilityApprovalEntity, {
      facilityId: a.facilityId,
      officer: a.officer,
      approve: a.approve,
      approvedLimit: a.approvedLimit,
      note: a.note,
      createdAt: a.at,
    });
    return true;
  } catch (err) {
    if (violatesUniqueIndex(err, "UQ_facility_approval_officer", "facility_approval", ["facilityId", "officer"]))
      return false;
    throw err;
  }
}

/**
 * Whether a client holds an assessment in force at an instant (made by then, lapsing after it: the
 * rule of domain/assessment.ts), read inside the caller's transaction after the client's lock.
 */
export async function hasValidAssessmentAt(manager: EntityManager, clientId: number, at: Date): Promise<boolean> {
  const rows = (await manager.query(
    "SELECT COUNT(*) AS n FROM `risk_assessment` WHERE `clientId` = ? AND `validUntil` > ? AND `assessedAt` <= ?",
    [clientId, sqlInstant(at), sqlInstant(at)],
  )) as { n: unknown }[];
  return Number(rows[0].n) > 0;
}

type Queryable = Pick<EntityManager, "query">;

/**
 * The facilities a batch job lists before it works (unlocked, id order): in force and, when a date is
 * given, maturing by it. Each is judged again after it is locked (SPEC §10).
 */
export async function listFacilitiesInForce(db: Queryable, maturingBy: string | null = null): Promise<number[]> {
  const rows = (await db.query(
    `SELECT \`id\` FROM \`credit_facility\` WHERE \`status\` IN (${placeholders(IN_FORCE.length)})${
      maturingBy === null ? "" : " AND `maturityDate` IS NOT NULL AND `maturityDate` <= ?"
    } ORDER BY \`id\``,
    maturingBy === null ? [...IN_FORCE] : [...IN_FORCE, maturingBy],
  )) as { id: unknown }[];
  return rows.map((r) => Number(r.id));
}

/** The clients holding an open facility, ascending (unlocked listing for a batch job). */
export async function listClientsWithOpenFacilities(db: Queryable): Promise<number[]> {
  const rows = (await db.query(
    `SELECT DISTINCT \`clientId\` FROM \`credit_facility\` WHERE \`status\` IN (${placeholders(OPEN.length)}) ORDER BY \`clientId\``,
    [...OPEN],
  )) as { clientId: unknown }[];
  return rows.map((r) => Number(r.clientId));
}
