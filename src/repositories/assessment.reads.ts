import { placeholders } from "../db/sql";
import { RiskAssessmentEntity } from "../entities";
import type { ReadPool } from "./read-pool";

export function assessmentsByIds(db: ReadPool, ids: readonly number[]): Promise<RiskAssessmentEntity[]> {
  return db.byIds(RiskAssessmentEntity, ids);
}

/** The latest assessment of each client (by assessedAt, then id), expired or not: one statement. */
export async function latestAssessments(db: ReadPool, clientIds: readonly number[]): Promise<RiskAssessmentEntity[]> {
  if (clientIds.length === 0) return [];
  return db.rows(
    RiskAssessmentEntity,
    `SELECT * FROM (SELECT ra.*, ROW_NUMBER() OVER (PARTITION BY ra.\`clientId\` ORDER BY ra.\`assessedAt\` DESC, ra.\`id\` DESC) AS rn_
       FROM \`risk_assessment\` ra WHERE ra.\`clientId\` IN (${placeholders(clientIds.length)})) t WHERE t.rn_ = 1`,
    clientIds,
  );
}
