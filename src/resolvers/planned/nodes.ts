import type {
  AlertEntity,
  ClientEntity,
  CreditFacilityEntity,
  PortraitEntity,
  PostLoanReviewEntity,
  RiskAssessmentEntity,
} from "../../entities";
import type { Page } from "../../domain/paging";
import { childPageKey } from "../../loaders";
import type { Context } from "../../schema/context";
import {
  CLIENT_FIELDS,
  isPersonalField,
  PORTRAIT_FIELDS,
  presentAlert,
  presentAssessment,
  presentFacility,
  presentProductFit,
  REVIEW_FIELDS,
  presentSegmentFit,
} from "../../schema/presenters";
import { toConnection } from "../../schema/types/connection";
import { AlertConnection, PostLoanReviewConnection, type PostLoanReviewGql } from "../../schema/types/facility";
import { canReadPersonalData } from "../../services/access/policy";
import { fitInputsOf, fitsOf, pickProductFits, type ClientFit } from "../../services/fit/fit-service";
import type { ClientRows } from "../../services/read/read-service";
import { nestedArgs, reviewColumns, type ClientPagePlan, type NestedArgs, type NestedPick } from "./plan";
import { PLANNED, type PlannedClient } from "./serve";

/** A page's plan with this request's arguments for each nested pick. */
export interface PlannedPage {
  plan: ClientPagePlan;
  args: NestedArgs[];
}

/**
 * The plan of a page for this request's variables; null when a nested field's arguments are left to
 * its resolver (nestedArgs), and so the whole page is presented field by field.
 */
export function plannedPage(plan: ClientPagePlan, variables: Record<string, unknown>): PlannedPage | null {
  const args: NestedArgs[] = [];
  for (const n of plan.nested) {
    const a = nestedArgs(n, variables);
    if (a === null) return null;
    args.push(a);
  }
  return { plan, args };
}

/**
 * The nodes of a planned page, built in one pass from the page's own rows (read with the plan's
 * columns only): each kind of nested data in one batch for the whole page, through the request's
 * loaders where a statement is needed, then each client straight into the asked shape. Masking asks
 * the same policy, and each personal field served in clear is noted on the trail as the presenters'
 * watched getters note it when the executor reads it: only when selected and not null.
 */
export async function plannedNodes(ctx: Context, planned: PlannedPage, page: ClientRows): Promise<PlannedClient[]> {
  const { plan, args } = planned;
  const clients = page.rows;
  // Built once every batch has loaded, so that a page that fails notes nothing on the trail. Client
  // fields first, then the nested ones, client by client: the order in which the executor reads them
  // field by field (a page's own fields, then each resolved nested value), and so the order in which
  // the trail first notes each client of the page.
  const batches = await loadBatches(ctx, planned, page);
  const clears = clients.map((c) => canReadPersonalData(ctx.viewer, c));
  const nodes = clients.map((c, i) => plannedClient(ctx, plan, c, clears[i]));
  clients.forEach((c, i) => {
    const nested = nodes[i][PLANNED];
    plan.nested.forEach((n, j) => {
      nested[n.pick.key] = nestedValue(ctx, n, c, clears[i], i, batches, j, args[j]);
    });
  });
  return nodes;
}

/** Everything the nested fields need for the whole page, one load per kind. */
interface Batches {
  portraits: Map<number, PortraitEntity>;
  fits: (ClientFit | null)[];
  assessments: (RiskAssessmentEntity | null)[];
  /** Per nested pick (reviews and alerts): a page per client. */
  pages: (Page<PostLoanReviewEntity | AlertEntity>[] | null)[];
  facilities: CreditFacilityEntity[][];
}

async function loadBatches(ctx: Context, { plan, args }: PlannedPage, page: ClientRows): Promise<Batches> {
  const { loaders } = ctx;
  const kinds = new Set(plan.nested.map((n) => n.kind));
  const ids = page.rows.map((c) => c.id);
  const portraits = new Map(page.portraits.map((p) => [p.id, p]));
  const fitted = kinds.has("segment") || kinds.has("segmentFits") || kinds.has("productFits");
  const [fits, assessments, facilities, pages] = await Promise.all([
    fitted ? pageFits(ctx, page, portraits) : [],
    kinds.has("riskAssessment") ? loaders.latestAssessment.loadMany(ids) : [],
    kinds.has("facilities") ? loaders.facilitiesOfClient.loadMany(ids) : [],
    Promise.all(plan.nested.map((n, i) => childPages(ctx, n, args[i], ids))),
  ]);
  return {
    portraits,
    fits,
    assessments: ok(assessments),
    facilities: ok(facilities),
    pages: pages.map((r) => r && ok(r)),
  };
}

/** The first page of a nested connection for every client, through its loader: one statement. */
function childPages(
  ctx: Context,
  n: NestedPick,
  args: NestedArgs,
  ids: number[],
): Promise<(Page<PostLoanReviewEntity | AlertEntity> | Error)[]> | null {
  if (n.kind === "reviews") {
    const columns = reviewColumns(n.reviewFields).join(",");
    const key = (id: number) => ({ ...childPageKey(id, args.first, null, args.status ?? ""), columns });
    return ctx.loaders.reviewsOfClient.loadMany(ids.map(key));
  }
  if (n.kind === "alerts") {
    const filter = args.openOnly ? "open" : "all";
    return ctx.loaders.alertsOfClient.loadMany(ids.map((id) => childPageKey(id, args.first, null, filter)));
  }
  return null;
}

/**
 * Each client's fit, as the fits loader computes it (fitInputsOf, fitsOf), from the page's own rows:
 * its portraits and assessment validity came with the page's statement, so only the open limits and
 * the request's catalogue are loaded.
 */
async function pageFits(
  ctx: Context,
  page: ClientRows,
  portraits: Map<number, PortraitEntity>,
): Promise<(ClientFit | null)[]> {
  const fitted = page.rows.map((c) => (c.latestPortraitId === null ? null : c));
  const present = fitted.filter((c): c is ClientEntity => c !== null);
  const [limits, catalogue] = await Promise.all([
    ctx.loaders.facilityLimitsOfClient.loadMany(present.map((c) => c.id)),
    ctx.loaders.catalogue(),
  ]);
  const inputs = fitInputsOf(
    fitted,
    present.map((c) => portraits.get(c.latestPortraitId!) ?? null),
    present.map((c) => page.assessmentValidUntil.get(c.id) ?? null),
    limits,
    ctx.clock.now(),
  );
  return ok(fitsOf(inputs, catalogue));
}

/** A batch's values; a failed load fails the page, as it fails its field when asked field by field. */
function ok<T>(values: readonly (T | Error)[]): T[] {
  for (const v of values) if (v instanceof Error) throw v;
  return values as T[];
}

/** A client's asked fields, masked or in clear as the policy says; its nested values come after. */
function plannedClient(ctx: Context, plan: ClientPagePlan, c: ClientEntity, clear: boolean): PlannedClient {
  const out: PlannedClient = { [PLANNED]: {}, dbId: c.id, latestPortraitId: c.latestPortraitId };
  for (const field of plan.fields) {
    const value = CLIENT_FIELDS[field](c, clear);
    out[field] = value;
    if (clear && value !== null && isPersonalField(field)) ctx.trail.note(c.id, field);
  }
  return out;
}

function nestedValue(
  ctx: Context,
  n: NestedPick,
  c: ClientEntity,
  clear: boolean,
  i: number,
  batches: Batches,
  j: number,
  args: NestedArgs,
): unknown {
  switch (n.kind) {
    case "portrait": {
      const p = c.latestPortraitId === null ? undefined : batches.portraits.get(c.latestPortraitId);
      return p === undefined ? null : plannedPortrait(ctx, n, p, clear);
    }
    case "segment": {
      const fit = batches.fits[i];
      return fit?.segment ? presentSegmentFit(fit.segment) : null;
    }
    case "segmentFits":
      return batches.fits[i]?.segments.map(presentSegmentFit) ?? [];
    case "productFits": {
      const fit = batches.fits[i];
      return fit === null ? [] : pickProductFits(fit.products, args).map(presentProductFit);
    }
    case "reviews":
      return toConnection(PostLoanReviewConnection, batches.pages[j]![i] as Page<PostLoanReviewEntity>, (r) =>
        plannedReview(n, r),
      );
    case "alerts":
      return toConnection(AlertConnection, batches.pages[j]![i] as Page<AlertEntity>, presentAlert);
    case "facilities":
      return batches.facilities[i].map(presentFacility);
    case "riskAssessment": {
      const a = batches.assessments[i];
      return a && presentAssessment(a, ctx.clock.now());
    }
  }
}

/** A review's asked fields (its row holds only their columns: reviewColumns). */
function plannedReview(n: NestedPick, r: PostLoanReviewEntity): PostLoanReviewGql {
  const out: Record<string, unknown> = {};
  for (const field of n.reviewFields) out[field] = REVIEW_FIELDS[field](r);
  return out as unknown as PostLoanReviewGql;
}

/** The portrait's asked fields; the declared figures in clear are noted as the client's. */
function plannedPortrait(ctx: Context, n: NestedPick, p: PortraitEntity, personalData: boolean): object {
  const out: Record<string, unknown> = {};
  for (const field of n.portraitFields) {
    const value = PORTRAIT_FIELDS[field](p, personalData);
    out[field] = value;
    if (personalData && value !== null && isPersonalField(field)) ctx.trail.note(p.clientId, field);
  }
  return out;
}
