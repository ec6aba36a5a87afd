import { In, type DataSource, type EntityManager } from "typeorm";
import { ClientEntity, PortraitEntity, PostLoanReviewEntity, SegmentEntity } from "../../entities";
import { inTransaction } from "../../db/transaction";
import { lockFacilities } from "../../db/locks";
import { withJobLock } from "../../db/job-lock";
import type { Clock } from "../../domain/clock";
import { addDays } from "../../domain/dates";
import { ReviewStatus, ReviewTrigger } from "../../domain/enums";
import { IN_FORCE } from "../../domain/facility-status";
import { openReview } from "../../repositories/review.writes";
import { listFacilitiesInForce } from "../../repositories/facility.writes";
import type { Viewer } from "../access/viewer";
import { auditJobBatch } from "../audit/audit";
import { bestSegment } from "../matching";
import { activeSegments, subjectOf } from "../fit/catalogue";
import { JOB_BATCH } from "./maturities";

/** Periodic post-loan reviews, scheduled by a batch job. */
export class SchedulingService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * A PERIODIC review (due asOf) for every facility in force whose last completed periodic review
   * (or start) is at least its segment's review interval (no segment: 90 days) before asOf and which
   * has no open periodic review. Idempotent: returns how many it created.
   */
  async scheduleReviews(viewer: Viewer, asOf: string): Promise<number> {
    return withJobLock(this.ds, "scheduleReviews", async () => {
      const ids = await listFacilitiesInForce(this.ds);
      let created = 0;
      for (let i = 0; i < ids.length; i += JOB_BATCH) {
        const batch = ids.slice(i, i + JOB_BATCH);
        created += await inTransaction(this.ds, (manager) => this.schedule(manager, viewer, asOf, batch));
      }
      return created;
    });
  }

  /** One batch of review scheduling: facilities locked (clients first) and judged as they are now. */
  private async schedule(manager: EntityManager, viewer: Viewer, asOf: string, ids: number[]): Promise<number> {
    const now = this.clock.now();
    const facilities = (await lockFacilities(manager, ids)).filter((f) => IN_FORCE.includes(f.status));
    if (facilities.length === 0) return 0;
    const clientIds = [...new Set(facilities.map((f) => f.clientId))];
    const [clients, segments, reviews] = await Promise.all([
      manager.findBy(ClientEntity, { id: In(clientIds) }),
      manager.find(SegmentEntity, { order: { priority: "ASC", code: "ASC" } }),
      manager.find(PostLoanReviewEntity, {
        where: { facilityId: In(facilities.map((f) => f.id)), trigger: ReviewTrigger.PERIODIC },
      }),
    ]);
    const portraitIds = clients.map((c) => c.latestPortraitId).filter((id): id is number => id !== null);
    const portraits = portraitIds.length === 0 ? [] : await manager.findBy(PortraitEntity, { id: In(portraitIds) });
    const active = activeSegments(segments);
    let created = 0;
    for (const f of facilities) {
      const client = clients.find((c) => c.id === f.clientId)!;
      const portrait = portraits.find((p) => p.id === client.latestPortraitId) ?? null;
      const subject = subjectOf(client, portrait, null, now);
      const interval = (subject && bestSegment(subject, active)?.entity.reviewIntervalDays) ?? 90;
      const mine = reviews.filter((r) => r.facilityId === f.id);
      if (mine.some((r) => r.status === ReviewStatus.SCHEDULED || r.status === ReviewStatus.IN_PROGRESS)) continue;
      const lastDone = mine
        .filter((r) => r.status === ReviewStatus.COMPLETED && r.completedAt !== null)
        .map((r) => r.completedAt!.toISOString().slice(0, 10))
        .sort()
        .pop();
      const since = lastDone ?? f.startDate;
      if (since === null || since > addDays(asOf, -interval)) continue;
      created += await openReview(manager, f, ReviewTrigger.PERIODIC, asOf, now);
    }
    if (created > 0) {
      await auditJobBatch(manager, viewer, "scheduleReviews", asOf, {
        at: this.clock.now(),
        changes: { created, fromFacilityId: ids[0], toFacilityId: ids[ids.length - 1] },
      });
    }
    return created;
  }
}
