import type { EntityManager } from "typeorm";
import { CreditFacilityEntity, PostLoanReviewEntity } from "../entities";
import { ReviewStatus, type ReviewTrigger } from "../domain/enums";
import { insertSkippingDuplicates, sqlInstant } from "../db/sql";

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
 * if created; UQ_review_open holds the rule in the database (SPEC §10).
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
  return insertSkippingDuplicates(manager, "post_loan_review", REVIEW_COLUMNS, [
    [facility.clientId, facility.id, trigger, ReviewStatus.SCHEDULED, dueDate, notes, stamp, stamp, 1],
  ]);
}
