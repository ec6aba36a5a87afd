import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { InvariantError } from "../errors";
import type { SegmentEntity } from "../entities";
import { childPageKey } from "../loaders";
import type { Context } from "../schema/context";
import { presentFacility, presentProduct, presentReview, presentSegment } from "../schema/presenters";
import { ClientGql } from "../schema/types/client";
import { ProductGql, SegmentGql } from "../schema/types/catalogue";
import { toConnection } from "../schema/types/connection";
import { AlertGql, CreditFacilityGql, PostLoanReviewConnection, PostLoanReviewGql } from "../schema/types/facility";
import { owningClient } from "./client.resolver";

async function facilityOf(id: number, ctx: Context): Promise<CreditFacilityGql> {
  const f = await ctx.loaders.facility.load(id);
  if (f === null) throw new InvariantError("facility of a visible object is not visible");
  return presentFacility(f);
}

@Resolver(() => CreditFacilityGql)
export class CreditFacilityResolver {
  @FieldResolver(() => ClientGql, { description: "The borrowing client." })
  client(@Root() f: CreditFacilityGql, @Ctx() ctx: Context): Promise<ClientGql> {
    return owningClient(f.clientDbId, ctx);
  }

  @FieldResolver(() => ProductGql, { description: "The product the facility is on." })
  async product(@Root() f: CreditFacilityGql, @Ctx() ctx: Context): Promise<ProductGql> {
    const p = await ctx.loaders.product.load(f.productDbId);
    if (p === null) throw new InvariantError("facility without product");
    return presentProduct(p);
  }

  @FieldResolver(() => PostLoanReviewConnection, {
    description: "Post-loan reviews of this facility, by creation then id.",
  })
  async reviews(
    @Root() f: CreditFacilityGql,
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
  ): Promise<PostLoanReviewConnection> {
    const page = await ctx.loaders.reviewsOfFacility.load(childPageKey(f.dbId, first, after, ""));
    return toConnection(PostLoanReviewConnection, page, presentReview);
  }
}

@Resolver(() => PostLoanReviewGql)
export class PostLoanReviewResolver {
  @FieldResolver(() => ClientGql, { description: "The client whose facility is reviewed." })
  client(@Root() r: PostLoanReviewGql, @Ctx() ctx: Context): Promise<ClientGql> {
    return owningClient(r.clientDbId, ctx);
  }

  @FieldResolver(() => CreditFacilityGql, { description: "The facility reviewed." })
  facility(@Root() r: PostLoanReviewGql, @Ctx() ctx: Context): Promise<CreditFacilityGql> {
    return facilityOf(r.facilityDbId, ctx);
  }
}

@Resolver(() => AlertGql)
export class AlertResolver {
  @FieldResolver(() => ClientGql, { description: "The client concerned." })
  client(@Root() a: AlertGql, @Ctx() ctx: Context): Promise<ClientGql> {
    return owningClient(a.clientDbId, ctx);
  }

  @FieldResolver(() => CreditFacilityGql, {
    description: "The facility concerned; null for a client-level alert.",
    nullable: true,
  })
  facility(@Root() a: AlertGql, @Ctx() ctx: Context): Promise<CreditFacilityGql> | null {
    return a.facilityDbId === null ? null : facilityOf(a.facilityDbId, ctx);
  }
}

@Resolver(() => ProductGql)
export class ProductResolver {
  @FieldResolver(() => [SegmentGql], { description: "Segments the product is offered to; empty means every segment." })
  async segments(@Root() p: ProductGql, @Ctx() ctx: Context): Promise<SegmentGql[]> {
    const ids = await ctx.loaders.segmentIdsOfProduct.load(p.dbId);
    const segments = await ctx.loaders.segment.loadMany(ids);
    return segments
      .filter((s): s is SegmentEntity => s !== null && !(s instanceof Error))
      .sort((a, b) => a.priority - b.priority || a.code.localeCompare(b.code))
      .map(presentSegment);
  }
}
