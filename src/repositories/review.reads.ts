import { PostLoanReviewEntity } from "../entities";
import type { ReviewStatus, ReviewTrigger } from "../domain/enums";
import type { BranchScope } from "../domain/scope";
import type { Page } from "../domain/paging";
import { listOwned, ownedByIds, Where, type PageArgs } from "./paging.reads";
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

export function listReviews(
  db: ReadPool,
  args: PageArgs,
  filter: ReviewListFilter | null | undefined,
  scope: BranchScope,
): Promise<Page<PostLoanReviewEntity>> {
  const where = new Where();
  const f = filter ?? {};
  where.inList("x.`status`", f.statuses);
  where.inList("x.`trigger`", f.triggers);
  if (f.dueBefore) where.add("x.`dueDate` < ?", f.dueBefore);
  if (f.assignee !== null && f.assignee !== undefined) where.add("x.`assignee` = ?", f.assignee);
  return listOwned(db, PostLoanReviewEntity, "review", args, where, scope);
}

/** The nested `reviews(status:)` filter of a client: "" for every status. */
export function reviewStatusFilter(status: string, where: Where): void {
  if (status !== "") where.add("x.`status` = ?", status);
}
