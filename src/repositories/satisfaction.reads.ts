import { SatisfactionResponseEntity } from "../entities";
import type { BranchScope } from "../domain/scope";
import { ownedByIds } from "./paging.reads";
import type { ReadPool } from "./read-pool";

/** Satisfaction responses by id, only those of clients in scope (node). */
export function satisfactionByIds(
  db: ReadPool,
  ids: readonly number[],
  scope: BranchScope,
): Promise<SatisfactionResponseEntity[]> {
  return ownedByIds(db, SatisfactionResponseEntity, ids, scope);
}

/** What the segment snapshots say of a client on a date: its last snapshot dated on or before it. */
export interface SnapshotSegment {
  clientId: number;
  date: string;
  /** False when the client has no snapshot dated on or before `date`. */
  snapshotted: boolean;
  /** The snapshot's segment; null: in no segment (or no snapshot). */
  segmentId: number | null;
}

/**
 * The segment of each (client, date) on its last snapshot dated on or before the date, in one
 * statement: a derived table of the pairs, each looked up on the (clientId, asOf) index.
 */
export async function snapshotSegmentsOn(
  db: ReadPool,
  pairs: readonly { clientId: number; date: string }[],
): Promise<SnapshotSegment[]> {
  if (pairs.length === 0) return [];
  const keys = pairs.map((_, i) => (i === 0 ? "SELECT ? AS `clientId`, ? AS `d`" : "SELECT ?, ?")).join(" UNION ALL ");
  // -1 marks "a snapshot in no segment", so that NULL keeps meaning "no snapshot at all".
  const rows = await db.query<{ clientId: unknown; d: unknown; seg: unknown }>(
    `SELECT k.\`clientId\`, k.\`d\`,
        (SELECT COALESCE(s.\`segmentId\`, -1) FROM \`segment_snapshot\` s
          WHERE s.\`clientId\` = k.\`clientId\` AND s.\`asOf\` <= k.\`d\` ORDER BY s.\`asOf\` DESC LIMIT 1) AS seg
       FROM (${keys}) k`,
    pairs.flatMap((p) => [p.clientId, p.date]),
  );
  return rows.map((r) => {
    const seg = r.seg === null || r.seg === undefined ? null : Number(r.seg);
    return {
      clientId: Number(r.clientId),
      date: String(r.d),
      snapshotted: seg !== null,
      segmentId: seg === null || seg === -1 ? null : seg,
    };
  });
}
