import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Info, Query, Resolver } from "type-graphql";
import { clientConnection, planClientPage, planOneClient, readPlannedClient } from "./planned";
import { ArrayMaxSize, ValidateNested } from "class-validator";
import type { Context } from "../schema/context";
import { primeClientRows } from "../loaders";
import { fromGlobalId, idOf } from "../schema/global-id";
import {
  presentAlert,
  presentAssessment,
  presentAudit,
  presentClient,
  presentFacility,
  presentPortrait,
  presentProduct,
  presentReview,
  presentSatisfaction,
  presentSegment,
} from "../schema/presenters";
import { ClientConnection, ClientGql, RiskQuestionnaireGql, ViewerGql } from "../schema/types/client";
import { presentQuestionnaire } from "../schema/presenters";
import { RISK_QUESTIONNAIRE } from "../services/profile/questionnaire";
import { ProductGql, SegmentGql } from "../schema/types/catalogue";
import {
  AlertConnection,
  AuditEntryConnection,
  CreditFacilityConnection,
  PostLoanReviewConnection,
} from "../schema/types/facility";
import {
  AlertFilterInput,
  AuditFilterInput,
  ClientFilterInput,
  FacilityFilterInput,
  ReviewFilterInput,
} from "../schema/types/filters";
import { Ability } from "../services/access/abilities";
import { canReadPersonalData, mayReadAudit, personalDataScope } from "../services/access/policy";
import { AlertOrderInput, ClientOrderInput, FacilityOrderInput, ReviewOrderInput } from "../schema/types/orders";
import { PageArgs, toConnection } from "../schema/types/connection";
import { Node } from "../schema/types/node";
import { BadInputError } from "../errors";

@ArgsType()
class ClientsArgs extends PageArgs {
  @Field(() => ClientFilterInput, {
    description: "Narrows the list; every given criterion must hold. Without it the whole visible book.",
    nullable: true,
  })
  @ValidateNested()
  filter?: ClientFilterInput | null;

  @Field(() => ClientOrderInput, {
    description: "Sort key and direction; default clientNo ascending. Pages are keyset-paged on the key, then id.",
    nullable: true,
  })
  orderBy?: ClientOrderInput | null;
}

@ArgsType()
class FacilitiesArgs extends PageArgs {
  @Field(() => FacilityFilterInput, {
    description: "Narrows the list; every given criterion must hold.",
    nullable: true,
  })
  @ValidateNested()
  filter?: FacilityFilterInput | null;

  @Field(() => FacilityOrderInput, {
    description: "Sort key and direction; default by creation. Pages are keyset-paged on the key, then id.",
    nullable: true,
  })
  orderBy?: FacilityOrderInput | null;
}

@ArgsType()
class ReviewsArgs extends PageArgs {
  @Field(() => ReviewFilterInput, { description: "Narrows the list; every given criterion must hold.", nullable: true })
  @ValidateNested()
  filter?: ReviewFilterInput | null;

  @Field(() => ReviewOrderInput, {
    description: "Sort key and direction; default by creation. Pages are keyset-paged on the key, then id.",
    nullable: true,
  })
  orderBy?: ReviewOrderInput | null;
}

@ArgsType()
class AlertsArgs extends PageArgs {
  @Field(() => AlertFilterInput, { description: "Narrows the list; every given criterion must hold.", nullable: true })
  @ValidateNested()
  filter?: AlertFilterInput | null;

  @Field(() => AlertOrderInput, {
    description: "Sort key and direction; default by creation. Pages are keyset-paged on the key, then id.",
    nullable: true,
  })
  orderBy?: AlertOrderInput | null;
}

@ArgsType()
class AuditArgs extends PageArgs {
  @Field(() => AuditFilterInput, { description: "Narrows the log; every given criterion must hold.", nullable: true })
  @ValidateNested()
  filter?: AuditFilterInput | null;
}

@ArgsType()
class NodesArgs {
  @Field(() => [ID], { description: "Global IDs, at most 500; the answer has one entry per ID, in the same order." })
  @ArrayMaxSize(500)
  ids!: string[];
}

/** Loads any node by global ID through the same loaders (and so the same scoping) as every other path. */
async function loadNode(ctx: Context, globalId: string): Promise<Node | null> {
  const parsed = fromGlobalId(globalId);
  if (parsed === null) return null;
  const { loaders, viewer } = ctx;
  const visibleClient = async (clientId: number) => (await loaders.client.load(clientId)) !== null;
  switch (parsed.type) {
    case "Client": {
      const c = await loaders.client.load(parsed.id);
      return c && presentClient(c, ctx);
    }
    case "Portrait": {
      const p = await loaders.portrait.load(parsed.id);
      const c = p && (await loaders.client.load(p.clientId));
      return p && c ? presentPortrait(p, canReadPersonalData(viewer, c), ctx.trail) : null;
    }
    case "RiskAssessment": {
      const a = await loaders.assessment.load(parsed.id);
      return a && (await visibleClient(a.clientId)) ? presentAssessment(a, ctx.clock.now()) : null;
    }
    case "Segment": {
      const s = await loaders.segment.load(parsed.id);
      return s && presentSegment(s);
    }
    case "Product": {
      const p = await loaders.product.load(parsed.id);
      return p && presentProduct(p);
    }
    case "CreditFacility": {
      const f = await loaders.facility.load(parsed.id);
      return f && presentFacility(f);
    }
    case "PostLoanReview": {
      const r = await loaders.review.load(parsed.id);
      return r && presentReview(r);
    }
    case "Alert": {
      const a = await loaders.alert.load(parsed.id);
      return a && presentAlert(a);
    }
    case "SatisfactionResponse": {
      const r = await loaders.satisfaction.load(parsed.id);
      const c = r && (await loaders.client.load(r.clientId));
      return r && c ? presentSatisfaction(r, canReadPersonalData(viewer, c), ctx.trail) : null;
    }
    case "AuditEntry": {
      if (!mayReadAudit(viewer)) return null;
      const entry = await ctx.services.reads.auditEntry(parsed.id);
      return entry ? presentAudit(entry) : null;
    }
    default:
      return null;
  }
}

@Resolver()
export class QueryResolver {
  @Query(() => Node, {
    description: "Any object by global ID; null when it does not exist or the viewer may not see it.",
    nullable: true,
  })
  node(@Arg("id", () => ID, { description: "Global ID." }) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    return loadNode(ctx, id);
  }

  @Query(() => [Node], {
    description: "Objects by global ID, in order; null for each one that does not exist or is not visible.",
    nullable: "items",
  })
  nodes(@Args() { ids }: NodesArgs, @Ctx() ctx: Context): Promise<(Node | null)[]> {
    return Promise.all(ids.map((id) => loadNode(ctx, id)));
  }

  @Query(() => ViewerGql, { description: "The caller, as its token says." })
  viewer(@Ctx() { viewer }: Context): ViewerGql {
    return Object.assign(new ViewerGql(), { subject: viewer.subject, roles: viewer.roles, branch: viewer.branch });
  }

  @Query(() => RiskQuestionnaireGql, {
    description: "The current risk questionnaire to present before submitRiskAssessment.",
  })
  riskQuestionnaire(): RiskQuestionnaireGql {
    return presentQuestionnaire(RISK_QUESTIONNAIRE);
  }

  @Query(() => ClientGql, {
    description: "One client by global ID or clientNo (give one); null when absent or outside the viewer's branch.",
    nullable: true,
  })
  async client(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("id", () => ID, { description: "Global ID.", nullable: true }) id?: string | null,
    @Arg("clientNo", () => String, { description: "Client number.", nullable: true }) clientNo?: string | null,
  ): Promise<ClientGql | null> {
    if ((id ?? null) === null && (clientNo ?? null) === null) {
      throw new BadInputError("Give id or clientNo");
    }
    const planned = planOneClient(ctx, info);
    if (id !== null && id !== undefined) {
      const dbId = idOf(id, "Client");
      if (planned !== null) return readPlannedClient(ctx, planned, { by: "id", id: dbId, clientNo: clientNo ?? null });
      const c = dbId === null ? null : await ctx.loaders.client.load(dbId);
      if (c === null || (clientNo != null && c.clientNo !== clientNo)) return null;
      return presentClient(c, ctx);
    }
    const number = String(clientNo).slice(0, 64);
    if (planned !== null) return readPlannedClient(ctx, planned, { by: "clientNo", clientNo: number });
    const found = await ctx.services.reads.oneClient({ clientNo: number }, ctx.scope);
    const c = found.rows[0];
    if (c === undefined) return null;
    primeClientRows(ctx.loaders, found);
    return presentClient(c, ctx);
  }

  @Query(() => ClientConnection, {
    description: "Clients the viewer may see, by clientNo unless orderBy says otherwise, keyset-paged (first ≤ 500).",
  })
  async clients(
    @Args() { first, after, filter, orderBy }: ClientsArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ClientConnection> {
    const personal = personalDataScope(ctx.viewer);
    const planned = planClientPage(ctx, info);
    const columns = planned?.plan.columns ?? null;
    const reads = ctx.services.reads;
    const page = await reads.clients(ctx.loaders, { first, after }, filter, ctx.scope, orderBy, personal, columns);
    return clientConnection(ctx, page, planned);
  }

  @Query(() => [SegmentGql], { description: "Segments, by priority then code." })
  async segments(
    @Ctx() ctx: Context,
    @Arg("activeOnly", () => Boolean, {
      description: "Only active segments (default true).",
      nullable: true,
      defaultValue: true,
    })
    activeOnly: boolean,
  ): Promise<SegmentGql[]> {
    return (await ctx.services.reads.segments(activeOnly ?? true)).map(presentSegment);
  }

  @Query(() => SegmentGql, { description: "One segment by code; null when absent.", nullable: true })
  async segment(
    @Arg("code", { description: "Segment code." }) code: string,
    @Ctx() ctx: Context,
  ): Promise<SegmentGql | null> {
    const s = await ctx.services.reads.segment(code.slice(0, 64));
    return s && presentSegment(s);
  }

  @Query(() => [ProductGql], { description: "Products, by code." })
  async products(
    @Ctx() ctx: Context,
    @Arg("activeOnly", () => Boolean, {
      description: "Only active products (default true).",
      nullable: true,
      defaultValue: true,
    })
    activeOnly: boolean,
  ): Promise<ProductGql[]> {
    return (await ctx.services.reads.products(activeOnly ?? true)).map(presentProduct);
  }

  @Query(() => ProductGql, { description: "One product by code; null when absent.", nullable: true })
  async product(
    @Arg("code", { description: "Product code." }) code: string,
    @Ctx() ctx: Context,
  ): Promise<ProductGql | null> {
    const p = await ctx.services.reads.product(code.slice(0, 64));
    return p && presentProduct(p);
  }

  @Query(() => CreditFacilityConnection, {
    description:
      "Facilities of the clients the viewer may see, by creation then id unless orderBy says otherwise (first ≤ 500).",
  })
  async facilities(
    @Args() { first, after, filter, orderBy }: FacilitiesArgs,
    @Ctx() ctx: Context,
  ): Promise<CreditFacilityConnection> {
    const page = await ctx.services.reads.facilities({ first, after }, filter, ctx.scope, orderBy);
    return toConnection(CreditFacilityConnection, page, presentFacility);
  }

  @Query(() => PostLoanReviewConnection, {
    description:
      "Post-loan reviews of the clients the viewer may see, by creation then id unless orderBy says otherwise (first ≤ 500).",
  })
  async reviews(
    @Args() { first, after, filter, orderBy }: ReviewsArgs,
    @Ctx() ctx: Context,
  ): Promise<PostLoanReviewConnection> {
    const page = await ctx.services.reads.reviews({ first, after }, filter, ctx.scope, orderBy);
    return toConnection(PostLoanReviewConnection, page, presentReview);
  }

  @Authorized(Ability.READ_AUDIT)
  @Query(() => AuditEntryConnection, {
    description: "Audit entries, oldest first (by time, then id; first ≤ 500). COMPLIANCE, ADMIN; others: FORBIDDEN.",
  })
  async auditLog(@Args() { first, after, filter }: AuditArgs, @Ctx() ctx: Context): Promise<AuditEntryConnection> {
    const page = await ctx.services.reads.auditLog({ first, after }, filter);
    return toConnection(AuditEntryConnection, page, presentAudit);
  }

  @Query(() => AlertConnection, {
    description:
      "Alerts of the clients the viewer may see, by creation then id unless orderBy says otherwise (first ≤ 500).",
  })
  async alerts(@Args() { first, after, filter, orderBy }: AlertsArgs, @Ctx() ctx: Context): Promise<AlertConnection> {
    const page = await ctx.services.reads.alerts({ first, after }, filter, ctx.scope, orderBy);
    return toConnection(AlertConnection, page, presentAlert);
  }
}
