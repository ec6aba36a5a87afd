import type { ClientEntity, PortraitEntity, PostLoanReviewEntity, RiskAssessmentEntity } from "../../entities";
import type { Page } from "../../domain/paging";
import { childPageKey } from "../../loaders";
import type { Context } from "../../schema/context";
import {
  CLIENT_FIELDS,
  isPersonalField,
  PORTRAIT_FIELDS,
  presentAssessment,
  presentProductFit,
  presentReview,
  presentSegmentFit,
} from "../../schema/presenters";
import { toConnection } from "../../schema/types/connection";
import { PostLoanReviewConnection } from "../../schema/types/facility";
import { canReadPersonalData } from "../../services/access/policy";
import { pickProductFits, type ClientFit } from "../../services/fit/fit-service";
import { nestedArgs, type ClientPagePlan, type NestedArgs, type NestedPick } from "./plan";
import { PLANNED, type PlannedClient } from "./serve";

/**
 * The nodes of a planned page, built in one pass: each kind of nested data in one batch for the
 * whole page (through the request's loaders, so the statements are those of the field-by-field
 * path), then each client straight into the asked shape. Masking asks the same policy, and each
 * personal field served in clear is noted on the trail as the presenters' watched getters note it
 * when the executor reads it: only when selected and not null.
 */
export async function plannedNodes(
  ctx: Context,
  plan: ClientPagePlan,
  clients: readonly ClientEntity[],
  variables: Record<string, unknown>,
): Promise<PlannedClient[] | null> {
  const args = plan.nested.map((n) => nestedArgs(n, variables));
  if (args.some((a) => a === null)) return null;
  const batches = await loadBatches(ctx, plan, clients, args as NestedArgs[]);
  // Client fields first, then the nested ones, client by client: the order in which the executor
  // reads them field by field (a page's own fields, then each resolved nested value), and so the
  // order in which the trail first notes each client.
  const clears = clients.map((c) => canReadPersonalData(ctx.viewer, c));
  const nodes = clients.map((c, i) => plannedClient(ctx, plan, c, clears[i]));
  clients.forEach((c, i) => {
    const nested = nodes[i][PLANNED];
    plan.nested.forEach((n, j) => {
      nested[n.pick.key] = nestedValue(ctx, n, c, clears[i], i, batches, j, args[j]!);
    });
  });
  return nodes;
}

/** Everything the nested fields need for the whole page, one load per kind. */
interface Batches {
  portraits: Map<number, PortraitEntity>;
  fits: (ClientFit | null)[];
  assessments: (RiskAssessmentEntity | null)[];
  /** Per nested pick (reviews only): a page per client. */
  reviews: (Page<PostLoanReviewEntity>[] | null)[];
}

async function loadBatches(
  ctx: Context,
  plan: ClientPagePlan,
  clients: readonly ClientEntity[],
  args: NestedArgs[],
): Promise<Batches> {
  const { loaders } = ctx;
  const kinds = new Set(plan.nested.map((n) => n.kind));
  const ids = clients.map((c) => c.id);
  const fitted = kinds.has("segment") || kinds.has("segmentFits") || kinds.has("productFits");
  const portraitIds = clients.flatMap((c) => (c.latestPortraitId === null ? [] : [c.latestPortraitId]));
  const [portraits, fits, assessments, reviews] = await Promise.all([
    kinds.has("portrait") ? loaders.portrait.loadMany(portraitIds) : [],
    fitted ? loaders.fits.loadMany(ids) : [],
    kinds.has("riskAssessment") ? loaders.latestAssessment.loadMany(ids) : [],
    Promise.all(
      plan.nested.map((n, i) =>
        n.kind === "reviews"
          ? loaders.reviewsOfClient.loadMany(
              ids.map((id) => childPageKey(id, args[i].first, null, args[i].status ?? "")),
            )
          : null,
      ),
    ),
  ]);
  const byId = new Map<number, PortraitEntity>();
  for (const p of ok(portraits)) if (p !== null) byId.set(p.id, p);
  return { portraits: byId, fits: ok(fits), assessments: ok(assessments), reviews: reviews.map((r) => r && ok(r)) };
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
      return toConnection(PostLoanReviewConnection, batches.reviews[j]![i], presentReview);
    case "riskAssessment": {
      const a = batches.assessments[i];
      return a && presentAssessment(a, ctx.clock.now());
    }
  }
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
