import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { Role } from "../domain/enums";
import { money } from "../domain/decimal";
import type { Context } from "../schema/context";
import { primeClientRows } from "../loaders";
import { presentClient } from "../schema/presenters";
import { ClientConnection } from "../schema/types/client";
import { CreditRatingCountGql, RiskLevelCountGql, SegmentGql, SegmentStatsGql } from "../schema/types/catalogue";
import { toConnection } from "../schema/types/connection";
import { segmentRef } from "../services/fit/catalogue";
import { membershipPredicate } from "../services/read/segment-sql";
import { CREDIT_RATING_ORDER, RISK_LEVEL_ORDER, type CreditRating, type RiskLevel } from "../domain/enums";
import type { SqlPredicate } from "../services/read/segment-sql";

const BI_ROLES = [Role.ANALYST, Role.RISK_OFFICER, Role.COMPLIANCE, Role.ADMIN];

@ArgsType()
class MembersArgs {
  @Field(() => Int, { nullable: true, defaultValue: 50 })
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

/** The SQL membership predicate of a segment, from the request's catalogue of active segments. */
export async function membershipOf(ctx: Context, segmentDbId: number): Promise<SqlPredicate> {
  const [segment, catalogue] = await Promise.all([ctx.loaders.segment.load(segmentDbId), ctx.loaders.catalogue()]);
  if (segment === null) return { sql: "1 = 0", params: [] };
  return membershipPredicate(segmentRef(segment), catalogue.segments);
}

@Resolver(() => SegmentGql)
export class SegmentResolver {
  @Authorized(...BI_ROLES)
  @FieldResolver(() => ClientConnection, {
    description: "Clients whose latest portrait places them in this segment, by clientNo.",
  })
  async members(
    @Root() segment: SegmentGql,
    @Args() { first, after }: MembersArgs,
    @Ctx() ctx: Context,
  ): Promise<ClientConnection> {
    const page = await ctx.services.bulkReader.listClients(
      { first, after },
      null,
      ctx.scope,
      await membershipOf(ctx, segment.dbId),
    );
    primeClientRows(ctx.loaders, page);
    return toConnection(ClientConnection, page, (c) => presentClient(c, ctx.viewer));
  }

  @Authorized(...BI_ROLES)
  @FieldResolver(() => SegmentStatsGql)
  async stats(@Root() segment: SegmentGql, @Ctx() ctx: Context): Promise<SegmentStatsGql> {
    const row = await ctx.services.bulkReader.segmentStats(await membershipOf(ctx, segment.dbId), ctx.scope);
    const mean = row.clientCount === 0 ? row.totalAvgDailyAssets : row.totalAvgDailyAssets.div(row.clientCount);
    const levelRank = (k: string | null) => (k === null ? 99 : RISK_LEVEL_ORDER.indexOf(k as RiskLevel));
    const ratingRank = (k: string | null) => CREDIT_RATING_ORDER.indexOf(k as CreditRating);
    return Object.assign(new SegmentStatsGql(), {
      clientCount: row.clientCount,
      totalAvgDailyAssets: money(row.totalAvgDailyAssets),
      meanAvgDailyAssets: money(mean),
      riskLevels: row.riskLevels
        .sort((a, b) => levelRank(a.key) - levelRank(b.key))
        .map((r) => Object.assign(new RiskLevelCountGql(), { riskLevel: r.key, count: r.count })),
      creditRatings: row.creditRatings
        .sort((a, b) => ratingRank(a.key) - ratingRank(b.key))
        .map((r) => Object.assign(new CreditRatingCountGql(), { creditRating: r.key, count: r.count })),
      activeFacilityCount: row.activeFacilityCount,
      totalApprovedLimit: money(row.totalApprovedLimit),
      totalUsedAmount: money(row.totalUsedAmount),
      computedAt: ctx.clock.now(),
    });
  }
}
