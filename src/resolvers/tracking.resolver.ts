import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { money, ratio } from "../domain/decimal";
import { HistoryInterval } from "../domain/enums";
import type { SegmentEntity } from "../entities";
import { Ability } from "../services/access/abilities";
import type { MigrationCell, Performance } from "../services/tracking/tracking-service";
import type { Context } from "../schema/context";
import { presentProduct, presentSegment } from "../schema/presenters";
import { DateScalar } from "../schema/scalars";
import { SegmentGql } from "../schema/types/catalogue";
import { UpsertSegmentInput } from "../schema/types/catalogue-inputs";
import {
  CreditModelPerformanceGql,
  ProductEligibilityChangeGql,
  RatingPerformanceGql,
  SegmentChangePreviewGql,
  SegmentHistoryPointGql,
  SegmentMigrationCellGql,
  SegmentPerformanceGql,
} from "../schema/types/tracking";

const FROM = "First day of the period (a Date).";
const TO = "Last day of the period, on or after from; at most 3,660 days after it.";

/** One computation of the period's performance per request, whatever number of segments asks. */
const performanceCache = new WeakMap<object, Map<string, Promise<Map<number | null, Performance>>>>();

function performanceOf(ctx: Context, from: string, to: string): Promise<Map<number | null, Performance>> {
  let perRequest = performanceCache.get(ctx.loaders);
  if (!perRequest) performanceCache.set(ctx.loaders, (perRequest = new Map()));
  const key = `${from}|${to}`;
  let p = perRequest.get(key);
  if (!p) perRequest.set(key, (p = ctx.services.tracking.performance(from, to, ctx.scope)));
  return p;
}

async function presentPerformance(ctx: Context, p: Performance): Promise<SegmentPerformanceGql> {
  const segment = p.segmentId === null ? null : await ctx.loaders.segment.load(p.segmentId);
  return Object.assign(new SegmentPerformanceGql(), {
    segment: segment && presentSegment(segment),
    from: p.from,
    to: p.to,
    clientCount: p.clientCount,
    facilitiesInForce: p.facilitiesInForce,
    facilitiesOpened: p.facilitiesOpened,
    utilization: p.utilization && ratio(p.utilization),
    marginCallRate: p.marginCallRate && ratio(p.marginCallRate),
    defaultRate: p.defaultRate && ratio(p.defaultRate),
    interestIncome: money(p.interestIncome),
    satisfactionResponses: p.satisfactionResponses,
    nps: p.nps && money(p.nps),
  });
}

const presentCell = (
  c: MigrationCell | { fromSegment: SegmentEntity | null; toSegment: SegmentEntity | null; clientCount: number },
) =>
  Object.assign(new SegmentMigrationCellGql(), {
    fromSegment: c.fromSegment && presentSegment(c.fromSegment),
    toSegment: c.toSegment && presentSegment(c.toSegment),
    clientCount: c.clientCount,
  });

/** SPEC §13 continuous tracking: the reads go as Segment.stats (ANALYST, RISK_OFFICER, COMPLIANCE, ADMIN). */
@Resolver()
export class TrackingResolver {
  @Authorized(Ability.READ_SEGMENT_STATS)
  @Query(() => [SegmentMigrationCellGql], {
    description:
      'How many clients moved from each segment to each other between two snapshot dates (SPEC §13). A null segment is "no segment". ANALYST, RISK_OFFICER, COMPLIANCE, ADMIN.',
  })
  async segmentMigration(
    @Arg("from", () => DateScalar, {
      description: "Each client's segment on its last snapshot on or before this date.",
    })
    from: string,
    @Arg("to", () => DateScalar, { description: "…and on its last snapshot on or before this date." }) to: string,
    @Ctx() ctx: Context,
  ): Promise<SegmentMigrationCellGql[]> {
    return (await ctx.services.tracking.migration(from, to, ctx.scope)).map(presentCell);
  }

  @Authorized(Ability.READ_SEGMENT_STATS)
  @Query(() => [SegmentPerformanceGql], {
    description:
      "The effect of the segmentation over a period, one row per active segment and one for clients in no segment (SPEC §13). ANALYST, RISK_OFFICER, COMPLIANCE, ADMIN.",
  })
  async segmentPerformance(
    @Arg("from", () => DateScalar, { description: FROM }) from: string,
    @Arg("to", () => DateScalar, { description: TO }) to: string,
    @Ctx() ctx: Context,
  ): Promise<SegmentPerformanceGql[]> {
    const rows = await performanceOf(ctx, from, to);
    const shown = [...rows.values()].filter((p) => p.segmentId === null || rows.has(p.segmentId));
    const active = await Promise.all(
      shown.map(async (p) => ({ p, s: p.segmentId === null ? null : await ctx.loaders.segment.load(p.segmentId) })),
    );
    return Promise.all(
      active
        .filter(({ p, s }) => p.segmentId === null || s?.active === true)
        .map(({ p }) => presentPerformance(ctx, p)),
    );
  }

  @Authorized(Ability.READ_SEGMENT_STATS, Ability.PREVIEW_SEGMENT_CHANGE)
  @Query(() => SegmentChangePreviewGql, {
    description:
      "What an upsertSegment would change, computed on the latest portraits and stored nowhere (SPEC §13). ANALYST, RISK_OFFICER, ADMIN.",
  })
  async previewSegmentChange(
    @Arg("input", () => UpsertSegmentInput, { description: "The segment as upsertSegment would take it." })
    input: UpsertSegmentInput,
    @Ctx() ctx: Context,
  ): Promise<SegmentChangePreviewGql> {
    const preview = await ctx.services.tracking.previewSegmentChange(input, ctx.scope);
    return Object.assign(new SegmentChangePreviewGql(), {
      clientsAssessed: preview.clientsAssessed,
      moves: preview.moves.map(presentCell),
      productEligibility: preview.productEligibility.map((e) =>
        Object.assign(new ProductEligibilityChangeGql(), {
          product: presentProduct(e.product),
          gaining: e.gaining,
          losing: e.losing,
        }),
      ),
    });
  }

  @Authorized(Ability.READ_SEGMENT_STATS)
  @Query(() => CreditModelPerformanceGql, {
    description:
      "How well the credit score ranked clients who later went bad (SPEC §13): AUC (Mann–Whitney, ties half), KS and the bad rate per rating. ANALYST, RISK_OFFICER, COMPLIANCE, ADMIN.",
  })
  async creditModelPerformance(
    @Arg("cohortDate", () => DateScalar, { description: "The clients with a facility open on this date." })
    cohortDate: string,
    @Arg("horizonDays", () => Int, {
      description: "Days after cohortDate in which a client may go bad, 1 to 3,660.",
      nullable: true,
      defaultValue: 365,
    })
    horizonDays: number,
    @Ctx() ctx: Context,
  ): Promise<CreditModelPerformanceGql> {
    const m = await ctx.services.tracking.creditModel(cohortDate, horizonDays ?? 365, ctx.scope);
    return Object.assign(new CreditModelPerformanceGql(), {
      cohortDate,
      horizonDays: horizonDays ?? 365,
      clients: m.clients,
      bads: m.bads,
      auc: m.auc && ratio(m.auc),
      ks: m.ks && ratio(m.ks),
      ratings: m.ratings.map((r) =>
        Object.assign(new RatingPerformanceGql(), {
          creditRating: r.creditRating,
          clients: r.clients,
          bads: r.bads,
          badRate: ratio(r.badRate),
        }),
      ),
    });
  }
}

@Resolver(() => SegmentGql)
export class SegmentTrackingResolver {
  @Authorized(Ability.READ_SEGMENT_STATS)
  @FieldResolver(() => [SegmentHistoryPointGql], {
    description:
      "Membership and book figures at each period end between from and to, from the daily segment snapshots (SPEC §13). ANALYST, RISK_OFFICER, COMPLIANCE, ADMIN.",
  })
  async history(
    @Root() segment: SegmentGql,
    @Arg("from", () => DateScalar, { description: FROM }) from: string,
    @Arg("to", () => DateScalar, { description: TO }) to: string,
    @Arg("interval", () => HistoryInterval, {
      description: "Period length; each point is the period's last snapshot date.",
      nullable: true,
      defaultValue: HistoryInterval.MONTH,
    })
    interval: HistoryInterval,
    @Ctx() ctx: Context,
  ): Promise<SegmentHistoryPointGql[]> {
    const points = await ctx.services.tracking.history(
      segment.dbId,
      from,
      to,
      interval ?? HistoryInterval.MONTH,
      ctx.scope,
    );
    return points.map((p) =>
      Object.assign(new SegmentHistoryPointGql(), {
        date: p.date,
        clientCount: p.clientCount,
        totalAvgDailyAssets: money(p.totalAvgDailyAssets),
        activeFacilityCount: p.activeFacilityCount,
        totalApprovedLimit: money(p.totalApprovedLimit),
      }),
    );
  }

  @Authorized(Ability.READ_SEGMENT_STATS)
  @FieldResolver(() => SegmentPerformanceGql, {
    description:
      "The effect of serving this segment over a period (SPEC §13). ANALYST, RISK_OFFICER, COMPLIANCE, ADMIN.",
  })
  async performance(
    @Root() segment: SegmentGql,
    @Arg("from", () => DateScalar, { description: FROM }) from: string,
    @Arg("to", () => DateScalar, { description: TO }) to: string,
    @Ctx() ctx: Context,
  ): Promise<SegmentPerformanceGql> {
    const rows = await performanceOf(ctx, from, to);
    const p = rows.get(segment.dbId) ?? {
      ...rows.get(null)!,
      segmentId: segment.dbId,
      clientCount: 0,
      facilitiesInForce: 0,
      facilitiesOpened: 0,
      utilization: null,
      marginCallRate: null,
      defaultRate: null,
      interestIncome: rows.get(null)!.interestIncome.times(0),
      satisfactionResponses: 0,
      nps: null,
    };
    return presentPerformance(ctx, p);
  }
}
