import { In, type EntityManager } from "typeorm";
import { CreditFacilityEntity, PostLoanReviewEntity } from "../entities";
import { ReviewStatus, type ReviewTrigger } from "../domain/enums";
import { insertSkippingDuplicates, sqlInstant } from "../db/sql";
import { toGlobalId } from "../domain/global-id";
import { appendEvents, type NewEvent } from "./event.writes";

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
 * review.scheduled event in the same transaction (SPEC §12). One review at a time, as the batch jobs
 * judge their facilities one by one (openReviews for a list).
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
  await appendEvents(manager, [reviewScheduled({ facility, trigger, dueDate }, review.id, at)]);
  return created;
}

/** The review.scheduled event of a created review. */
function reviewScheduled(r: NewReview, id: number, at: Date): NewEvent {
  return {
    type: "review.scheduled",
    aggregateType: "PostLoanReview",
    aggregateId: toGlobalId("PostLoanReview", id),
    occurredAt: at,
    payload: {
      client: toGlobalId("Client", r.facility.clientId),
      facility: toGlobalId("CreditFacility", r.facility.id),
      trigger: r.trigger,
      dueDate: r.dueDate,
      status: ReviewStatus.SCHEDULED,
      version: 1,
    },
  };
}

/** A system review to schedule. */
export interface NewReview {
  facility: CreditFacilityEntity;
  trigger: ReviewTrigger;
  dueDate: string;
  notes?: string | null;
}

const reviewKey = (facilityId: number, trigger: ReviewTrigger) => `${facilityId}|${trigger}`;

/**
 * openReview for a list (a valuation batch): creates each system review unless one of the same trigger is already open (SCHEDULED or
 * IN_PROGRESS) for its facility, or an earlier one of the list is the same; returns how many were
 * created. A constant number of statements for the list: the open reviews read once, one INSERT, the
 * new ids read back, the review.scheduled events appended together (SPEC §12). UQ_review_open holds
 * the rule in the database (SPEC §10).
 */
export async function openReviews(manager: EntityManager, items: readonly NewReview[], at: Date): Promise<number> {
  if (items.length === 0) return 0;
  const facilityIds = [...new Set(items.map((r) => r.facility.id))];
  const open = new Set<string>();
  for (let i = 0; i < facilityIds.length; i += 1000) {
    const rows = await manager.find(PostLoanReviewEntity, {
      where: {
        facilityId: In(facilityIds.slice(i, i + 1000)),
        status: In([ReviewStatus.SCHEDULED, ReviewStatus.IN_PROGRESS]),
      },
      select: { id: true, facilityId: true, trigger: true },
    });
    for (const r of rows) open.add(reviewKey(r.facilityId, r.trigger));
  }
  const wanted = new Map<string, NewReview>();
  for (const r of items) {
    const key = reviewKey(r.facility.id, r.trigger);
    if (!open.has(key) && !wanted.has(key)) wanted.set(key, r);
  }
  if (wanted.size === 0) return 0;
  const stamp = sqlInstant(at);
  const created = await insertSkippingDuplicates(
    manager,
    "post_loan_review",
    REVIEW_COLUMNS,
    [...wanted.values()].map((r) => [
      r.facility.clientId,
      r.facility.id,
      r.trigger,
      ReviewStatus.SCHEDULED,
      r.dueDate,
      r.notes ?? null,
      stamp,
      stamp,
      1,
    ]),
  );
  if (created === 0) return 0;
  // The one SCHEDULED review of each (facility, trigger) wanted is the one just created.
  const newIds = new Map<string, number>();
  const wantedIds = [...new Set([...wanted.values()].map((r) => r.facility.id))];
  for (let i = 0; i < wantedIds.length; i += 1000) {
    const rows = await manager.find(PostLoanReviewEntity, {
      where: { facilityId: In(wantedIds.slice(i, i + 1000)), status: ReviewStatus.SCHEDULED },
      select: { id: true, facilityId: true, trigger: true },
    });
    for (const r of rows)
      newIds.set(
        reviewKey(r.facilityId, r.trigger),
        Math.max(r.id, newIds.get(reviewKey(r.facilityId, r.trigger)) ?? 0),
      );
  }
  await appendEvents(
    manager,
    [...wanted].flatMap(([key, r]) => {
      const id = newIds.get(key);
      return id === undefined ? [] : [reviewScheduled(r, id, at)];
    }),
  );
  return created;
}
