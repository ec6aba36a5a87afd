import type { DataSource } from "typeorm";
import { withJobLock } from "../../db/job-lock";
import { inTransaction } from "../../db/transaction";
import type { Clock } from "../../domain/clock";
import { SegmentEntity } from "../../entities";
import { segmentCaseSql } from "../../repositories/segment-membership.sql";
import { clientIdRange, writeSnapshotBatch } from "../../repositories/segment-snapshot.writes";
import type { Viewer } from "../access/viewer";
import { auditJobBatch } from "../audit/audit";
import { activeSegments } from "../fit/catalogue";

/** Clients a snapshot batch places per transaction (one set-based INSERT … SELECT each). */
export const SNAPSHOT_BATCH = 10_000;

/** The daily segment snapshot (SPEC §13), a batch job like processMaturities and scheduleReviews. */
export class SegmentSnapshotService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores every client's segment as of `asOf` (clients opened by then): its latest portrait dated on
   * or before `asOf` and the segments active now — the catalogue keeps no history, and the job runs
   * each trading day for that day. Under the job's named lock, in batches of client ids, each its own
   * transaction with its audit entry. Idempotent per date: returns how many rows it wrote; a second
   * run writes only what changed since (0 when nothing did).
   */
  async snapshotSegments(viewer: Viewer, asOf: string): Promise<number> {
    return withJobLock(this.ds, "snapshotSegments", async () => {
      const segments = await this.ds.getRepository(SegmentEntity).find({ order: { priority: "ASC", code: "ASC" } });
      const segmentCase = segmentCaseSql(activeSegments(segments), (s) => s.entity.id);
      const range = await clientIdRange(this.ds.manager);
      if (range === null) return 0;
      let written = 0;
      for (let from = range.min; from <= range.max; from += SNAPSHOT_BATCH) {
        const to = Math.min(from + SNAPSHOT_BATCH - 1, range.max);
        written += await inTransaction(this.ds, async (manager) => {
          const n = await writeSnapshotBatch(manager, asOf, segmentCase, from, to);
          if (n > 0) {
            await auditJobBatch(manager, viewer, "snapshotSegments", asOf, {
              at: this.clock.now(),
              changes: { created: n, fromClientId: from, toClientId: to },
            });
          }
          return n;
        });
      }
      return written;
    });
  }
}
