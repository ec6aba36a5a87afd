import type { EntityManager } from "typeorm";
import { placeholders } from "../db/sql";
import { InvariantError } from "../errors";
import type { SqlPredicate } from "./segment-membership.sql";
import { inForceAt } from "./tracking.sql";

/**
 * Every client of ids [fromId, toId] opened by `asOf`, placed as of `asOf` (SPEC §13): its latest
 * portrait dated on or before `asOf` (ties: the latest computed, then id), the segment `segmentCase`
 * gives that portrait, and its facilities in force at the end of `asOf`.
 */
function placed(asOf: string, segmentCase: SqlPredicate, fromId: number, toId: number) {
  const force = inForceAt("f", asOf);
  return {
    sql: `SELECT c.\`id\` AS \`clientId\`, ${segmentCase.sql} AS \`segmentId\`, p.\`id\` AS \`portraitId\`,
        COALESCE(p.\`avgDailyAssets20d\`, 0) AS \`avg\`, COALESCE(fa.\`n\`, 0) AS \`n\`, COALESCE(fa.\`approved\`, 0) AS \`approved\`
      FROM \`client\` c
      LEFT JOIN (SELECT p2.\`id\`, p2.\`clientId\`, ROW_NUMBER() OVER (PARTITION BY p2.\`clientId\`
          ORDER BY p2.\`asOf\` DESC, p2.\`computedAt\` DESC, p2.\`id\` DESC) AS rn
          FROM \`portrait\` p2 WHERE p2.\`clientId\` BETWEEN ? AND ? AND p2.\`asOf\` <= ?) lp ON lp.\`clientId\` = c.\`id\` AND lp.rn = 1
      LEFT JOIN \`portrait\` p ON p.\`id\` = lp.\`id\`
      LEFT JOIN (SELECT f.\`clientId\`, COUNT(*) AS \`n\`, SUM(f.\`approvedLimit\`) AS \`approved\` FROM \`credit_facility\` f
        WHERE f.\`clientId\` BETWEEN ? AND ? AND ${force.sql} GROUP BY f.\`clientId\`) fa ON fa.\`clientId\` = c.\`id\`
      WHERE c.\`id\` BETWEEN ? AND ? AND c.\`openedAt\` <= ?`,
    params: [...segmentCase.params, fromId, toId, asOf, fromId, toId, ...force.params, fromId, toId, asOf],
  };
}

/**
 * Writes the snapshot of `asOf` for clients [fromId, toId] in the caller's transaction, set-based: the
 * rows of the date that no longer match are deleted, then every client without a row gets one. Returns
 * how many rows were written; taking a date again writes only what changed since (0 when nothing did).
 */
export async function writeSnapshotBatch(
  manager: EntityManager,
  asOf: string,
  segmentCase: SqlPredicate,
  fromId: number,
  toId: number,
): Promise<number> {
  const runner = manager.queryRunner;
  if (!runner) throw new InvariantError("writeSnapshotBatch runs inside a transaction");
  const fresh = placed(asOf, segmentCase, fromId, toId);
  const [{ n }] = (await manager.query(
    "SELECT COUNT(*) AS n FROM `segment_snapshot` WHERE `asOf` = ? AND `clientId` BETWEEN ? AND ?",
    [asOf, fromId, toId],
  )) as { n: unknown }[];
  if (Number(n) > 0) {
    // The clients whose row of the date no longer matches (usually none), then those rows deleted by id.
    const changed = (await manager.query(
      `SELECT x.\`clientId\` FROM (${fresh.sql}) x JOIN \`segment_snapshot\` s ON s.\`asOf\` = ? AND s.\`clientId\` = x.\`clientId\`
        WHERE COALESCE(s.\`segmentId\`, 0) <> COALESCE(x.\`segmentId\`, 0) OR COALESCE(s.\`portraitId\`, 0) <> COALESCE(x.\`portraitId\`, 0)
           OR s.\`avgDailyAssets20d\` <> x.\`avg\` OR s.\`facilitiesInForce\` <> x.\`n\` OR s.\`approvedLimit\` <> x.\`approved\``,
      [...fresh.params, asOf],
    )) as { clientId: unknown }[];
    for (let i = 0; i < changed.length; i += 1000) {
      const ids = changed.slice(i, i + 1000).map((r) => Number(r.clientId));
      await manager.query(
        `DELETE FROM \`segment_snapshot\` WHERE \`asOf\` = ? AND \`clientId\` IN (${placeholders(ids.length)})`,
        [asOf, ...ids],
      );
    }
  }
  const result = (await runner.query(
    `INSERT INTO \`segment_snapshot\` (\`asOf\`, \`clientId\`, \`segmentId\`, \`portraitId\`, \`avgDailyAssets20d\`, \`facilitiesInForce\`, \`approvedLimit\`)
     SELECT ?, x.\`clientId\`, x.\`segmentId\`, x.\`portraitId\`, x.\`avg\`, x.\`n\`, x.\`approved\` FROM (${fresh.sql}) x
      WHERE NOT EXISTS (SELECT 1 FROM \`segment_snapshot\` s WHERE s.\`asOf\` = ? AND s.\`clientId\` = x.\`clientId\`)`,
    [asOf, ...fresh.params, asOf],
    true,
  )) as { affected?: number };
  return result.affected ?? 0;
}

/** The lowest and highest client id (null without clients): the range a snapshot walks in batches. */
export async function clientIdRange(manager: EntityManager): Promise<{ min: number; max: number } | null> {
  const [r] = (await manager.query("SELECT MIN(`id`) AS lo, MAX(`id`) AS hi FROM `client`")) as {
    lo: unknown;
    hi: unknown;
  }[];
  return r.lo === null || r.lo === undefined ? null : { min: Number(r.lo), max: Number(r.hi) };
}
