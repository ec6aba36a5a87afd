import { PostLoanReviewEntity } from "../entities";
import type { ReviewStatus, ReviewTrigger } from "../domain/enums";
import type { BranchScope } from "../domain/scope";
import type { Page } from "../domain/paging";
import { ReviewOrderField, type ListOrder } from "../domain/order";
import { creationKey, listOwned, ownedByIds, Where, type PageArgs } from "./paging.reads";
import { keysetOrder, type SortKey } from "./order.reads";
import type { ReadPool } from "./read-pool";

export interface ReviewListFilter {
  statuses?: ReviewStatus[] | null;
  triggers?: ReviewTrigger[] | null;
  dueBefore?: string | null;
  assignee?: string | null;
}

export function reviewsByIds(
  db: ReadPool,
  ids: readonly number[],
  scope: BranchScope,
): Promise<PostLoanReviewEntity[]> {
  return ownedByIds(db, PostLoanReviewEntity, ids, scope);
}

const REVIEW_KEYS: Record<ReviewOrderField, SortKey<PostLoanReviewEntity>> = {
  [ReviewOrderField.CREATED_AT]: creationKey(),
  [ReviewOrderField.DUE_DATE]: { sql: "x.`dueDate`", kind: "date", nullable: false, valueOf: (r) => r.dueDate },
};

export function listReviews(
  db: ReadPool,
  args: PageArgs,
  filter: ReviewListFilter | null | undefined,
  scope: BranchScope,
  orderBy?: ListOrder<ReviewOrderField> | null,
): Promise<Page<PostLoanReviewEntity>> {
  const order = keysetOrder("review", REVIEW_KEYS, "x.`id`", (r) => r.id, ReviewOrderField.CREATED_AT, orderBy);
  const where = new Where();
  const f = filter ?? {};
  where.inList("x.`status`", f.statuses);
  where.inList("x.`trigger`", f.triggers);
  if (f.dueBefore) where.add("x.`dueDate` < ?", f.dueBefore);
  if (f.assignee !== null && f.assignee !== undefined) where.add("x.`assignee` = ?", f.assignee);
  return listOwned(db, PostLoanReviewEntity, order, args, where, scope);
}

/** The nested `reviews(status:)` filter of a client: "" for every status. */
export function reviewStatusFilter(status: string, where: Where): void {
  if (status !== "") where.add("x.`status` = ?", status);
}
