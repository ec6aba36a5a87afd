import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { InvariantError } from "../errors";
import { ReviewStatus } from "../domain/enums";
import { childPageKey } from "../loaders";
import type { Context } from "../schema/context";
import { canReadPersonalData } from "../services/access/policy";
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
    return p && presentPortrait(p, canReadPersonalData(ctx.viewer, client), ctx.trail);
  }

  @FieldResolver(() => [CreditFacilityGql], {
    description: "Every credit facility of the client, REJECTED and CLOSED included, oldest first.",
  })
  async facilities(@Root() client: ClientGql, @Ctx() ctx: Context): Promise<CreditFacilityGql[]> {
    return (await ctx.loaders.facilitiesOfClient.load(client.dbId)).map(presentFacility);
  }

  @FieldResolver(() => PostLoanReviewConnection, {
    description: "Post-loan reviews of the client's facilities, by creation then id.",
  })
  async reviews(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, {
      description: "Page size, 1 to 500 (outside that range: BAD_USER_INPUT).",
      nullable: true,
      defaultValue: 20,
    })
    first: number,
    @Arg("after", () => String, {
      description: "Opaque cursor (an edge's `cursor` or `pageInfo.endCursor`): the page starts after it.",
      nullable: true,
    })
    after?: string | null,
    @Arg("status", () => ReviewStatus, { description: "Only reviews in this status; null for all.", nullable: true })
    status?: ReviewStatus | null,
  ): Promise<PostLoanReviewConnection> {
    const page = await ctx.loaders.reviewsOfClient.load(childPageKey(client.dbId, first, after, status ?? ""));
    return toConnection(PostLoanReviewConnection, page, presentReview);
  }

  @FieldResolver(() => AlertConnection, { description: "Alerts raised for the client, by creation then id." })
  async alerts(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, {
      description: "Page size, 1 to 500 (outside that range: BAD_USER_INPUT).",
      nullable: true,
      defaultValue: 20,
    })
    first: number,
    @Arg("after", () => String, {
      description: "Opaque cursor (an edge's `cursor` or `pageInfo.endCursor`): the page starts after it.",
      nullable: true,
    })
    after?: string | null,
    @Arg("openOnly", () => Boolean, {
      description: "True (default): only unresolved alerts; false: all.",
      nullable: true,
      defaultValue: true,
    })
    openOnly?: boolean,
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
  return presentClient(c, ctx);
}

@Resolver(() => RiskAssessmentGql)
export class RiskAssessmentResolver {
  @FieldResolver(() => ClientGql, { description: "The assessed client." })
  client(@Root() a: RiskAssessmentGql, @Ctx() ctx: Context): Promise<ClientGql> {
    return owningClient(a.clientDbId, ctx);
  }
}

@Resolver(() => PortraitGql)
export class PortraitResolver {
  @FieldResolver(() => ClientGql, { description: "The client portrayed." })
  client(@Root() p: PortraitGql, @Ctx() ctx: Context): Promise<ClientGql> {
    return owningClient(p.clientDbId, ctx);
  }
}

export { owningClient };
