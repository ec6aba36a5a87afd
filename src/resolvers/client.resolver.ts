import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { InvariantError } from "../errors";
import { ReviewStatus } from "../domain/enums";
import { childPageKey } from "../loaders";
import type { Context } from "../schema/context";
import {
  presentAlert,
  presentAssessment,
  presentClient,
  presentFacility,
  presentPortrait,
  presentReview,
} from "../schema/presenters";
import { ClientGql, PortraitGql, RiskAssessmentGql } from "../schema/types/client";
import { toConnection } from "../schema/types/connection";
import { AlertConnection, CreditFacilityGql, PostLoanReviewConnection } from "../schema/types/facility";
import "../schema/enums";

@Resolver(() => ClientGql)
export class ClientResolver {
  @FieldResolver(() => RiskAssessmentGql, { nullable: true, description: "Latest risk assessment, expired or not." })
  async riskAssessment(@Root() client: ClientGql, @Ctx() ctx: Context): Promise<RiskAssessmentGql | null> {
    const a = await ctx.loaders.latestAssessment.load(client.dbId);
    return a && presentAssessment(a, ctx.clock.now());
  }

  @FieldResolver(() => PortraitGql, { nullable: true, description: "Latest computed portrait." })
  async portrait(@Root() client: ClientGql, @Ctx() ctx: Context): Promise<PortraitGql | null> {
    if (client.latestPortraitId === null) return null;
    const p = await ctx.loaders.portrait.load(client.latestPortraitId);
    return p && presentPortrait(p);
  }

  @FieldResolver(() => [CreditFacilityGql])
  async facilities(@Root() client: ClientGql, @Ctx() ctx: Context): Promise<CreditFacilityGql[]> {
    return (await ctx.loaders.facilitiesOfClient.load(client.dbId)).map(presentFacility);
  }

  @FieldResolver(() => PostLoanReviewConnection)
  async reviews(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("status", () => ReviewStatus, { nullable: true }) status?: ReviewStatus | null,
  ): Promise<PostLoanReviewConnection> {
    const page = await ctx.loaders.reviewsOfClient.load(childPageKey(client.dbId, first, after, status ?? ""));
    return toConnection(PostLoanReviewConnection, page, presentReview);
  }

  @FieldResolver(() => AlertConnection)
  async alerts(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("openOnly", () => Boolean, { nullable: true, defaultValue: true }) openOnly?: boolean,
  ): Promise<AlertConnection> {
    const page = await ctx.loaders.alertsOfClient.load(
      childPageKey(client.dbId, first, after, openOnly === false ? "all" : "open"),
    );
    return toConnection(AlertConnection, page, presentAlert);
  }
}

/** `client` of an object that hangs off a client: loaded through the scoped client loader. */
async function owningClient(clientId: number, ctx: Context): Promise<ClientGql> {
  const c = await ctx.loaders.client.load(clientId);
  if (c === null) throw new InvariantError("client of a visible object is not visible");
  return presentClient(c, ctx.viewer);
}

@Resolver(() => RiskAssessmentGql)
export class RiskAssessmentResolver {
  @FieldResolver(() => ClientGql)
  client(@Root() a: RiskAssessmentGql, @Ctx() ctx: Context): Promise<ClientGql> {
    return owningClient(a.clientDbId, ctx);
  }
}

@Resolver(() => PortraitGql)
export class PortraitResolver {
  @FieldResolver(() => ClientGql)
  client(@Root() p: PortraitGql, @Ctx() ctx: Context): Promise<ClientGql> {
    return owningClient(p.clientDbId, ctx);
  }
}

export { owningClient };
