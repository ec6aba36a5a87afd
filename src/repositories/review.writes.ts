import type { EntityManager } from "typeorm";
import { CreditFacilityEntity, PostLoanReviewEntity } from "../entities";
import { ReviewStatus, type ReviewTrigger } from "../domain/enums";
import { insertSkippingDuplicates, sqlInstant } from "../db/sql";
import { toGlobalId } from "../domain/global-id";
import { appendEvents } from "./event.writes";

/** The columns of a newly scheduled system review. */
const REVIEW_COLUMNS = [
  "clientId",
  "facilityId",
  "trigger",
  "status",
  "dueDate",
  "notes",
  "createdAt",
  "updatedAt",
  "version",
] as const;

/** How many reviews of a trigger are open (SCHEDULED or IN_PROGRESS) on a facility. */
export function countOpenReviews(manager: EntityManager, facilityId: number, trigger: ReviewTrigger): Promise<number> {
  return manager.count(PostLoanReviewEntity, {
    where: [
      { facilityId, trigger, status: ReviewStatus.SCHEDULED },
      { facilityId, trigger, status: ReviewStatus.IN_PROGRESS },
    ],
  });
}

/**
 * Creates a system review unless one of the same trigger is already open for the facility. Returns 1
 * if created; UQ_review_open holds the rule in the database (SPEC §10). A created review appends its
 * review.scheduled event in the same transaction (SPEC §12).
 */
export async function openReview(
  manager: EntityManager,
  facility: CreditFacilityEntity,
  trigger: ReviewTrigger,
  dueDate: string,
  at: Date,
  notes: string | null = null,
): Promise<number> {
  if ((await countOpenReviews(manager, facility.id, trigger)) > 0) return 0;
  const stamp = sqlInstant(at);
  const created = await insertSkippingDuplicates(manager, "post_loan_review", REVIEW_COLUMNS, [
    [facility.clientId, facility.id, trigger, ReviewStatus.SCHEDULED, dueDate, notes, stamp, stamp, 1],
  ]);
  if (created === 0) return 0;
  const review = await manager.findOneOrFail(PostLoanReviewEntity, {
    where: { facilityId: facility.id, trigger, status: ReviewStatus.SCHEDULED },
    order: { id: "DESC" },
  });
  await appendEvents(manager, [
    {
      type: "review.scheduled",
      aggregateType: "PostLoanReview",
      aggregateId: toGlobalId("PostLoanReview", review.id),
      occurredAt: at,
      payload: {
        client: toGlobalId("Client", facility.clientId),
        facility: toGlobalId("CreditFacility", facility.id),
        trigger,
        dueDate,
        status: ReviewStatus.SCHEDULED,
        version: 1,
      },
    },
  ]);
  return created;
}
