import type { GraphQLResolveInfo } from "graphql";
import { Args, ArgsType, Authorized, Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import { clientConnection, planClientPage } from "./planned";
import { Ability } from "../services/access/abilities";
import { money } from "../domain/decimal";
import type { Context } from "../schema/context";
import { ClientConnection } from "../schema/types/client";
import { CreditRatingCountGql, RiskLevelCountGql, SegmentGql, SegmentStatsGql } from "../schema/types/catalogue";
import { PageArgs } from "../schema/types/connection";

@ArgsType()
class MembersArgs extends PageArgs {}

@Resolver(() => SegmentGql)
export class SegmentResolver {
  @Authorized(Ability.READ_SEGMENT_MEMBERS)
  @FieldResolver(() => ClientConnection, {
    description: "Clients whose latest portrait places them in this segment, by clientNo.",
  })
  async members(
    @Root() segment: SegmentGql,
    @Args() { first, after }: MembersArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ClientConnection> {
    const planned = planClientPage(ctx, info);
    const columns = planned?.plan.columns ?? null;
    const page = await ctx.services.segments.members(ctx.loaders, segment.dbId, { first, after }, ctx.scope, columns);
    return clientConnection(ctx, page, planned);
  }

  @Authorized(Ability.READ_SEGMENT_STATS)
  @FieldResolver(() => SegmentStatsGql, {
    description:
      "Aggregates over the members, computed in the database. ANALYST, RISK_OFFICER, COMPLIANCE, ADMIN; others: FORBIDDEN.",
  })
  async stats(@Root() segment: SegmentGql, @Ctx() ctx: Context): Promise<SegmentStatsGql> {
    const stats = await ctx.services.segments.stats(ctx.loaders, segment.dbId, ctx.scope);
    return Object.assign(new SegmentStatsGql(), {
      clientCount: stats.clientCount,
      totalAvgDailyAssets: money(stats.totalAvgDailyAssets),
      meanAvgDailyAssets: money(stats.meanAvgDailyAssets),
      riskLevels: stats.riskLevels.map((r) => Object.assign(new RiskLevelCountGql(), r)),
      creditRatings: stats.creditRatings.map((r) => Object.assign(new CreditRatingCountGql(), r)),
      activeFacilityCount: stats.activeFacilityCount,
      totalApprovedLimit: money(stats.totalApprovedLimit),
      totalUsedAmount: money(stats.totalUsedAmount),
      computedAt: stats.computedAt,
    });
  }
}
