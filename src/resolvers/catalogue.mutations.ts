import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import { Ability } from "../services/access/abilities";
import type { Context } from "../schema/context";
import { presentProduct, presentSegment } from "../schema/presenters";
import {
  ProductPayload,
  SegmentPayload,
  UpsertProductInput,
  UpsertSegmentInput,
} from "../schema/types/catalogue-inputs";
import { withUserErrors } from "../schema/user-errors";

@Resolver()
export class CatalogueMutations {
  @Authorized(Ability.UPSERT_SEGMENT)
  @Mutation(() => SegmentPayload, {
    description:
      "Creates a segment, or replaces the one with its code. ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async upsertSegment(
    @Arg("input", { description: "The mutation's one input object." }) input: UpsertSegmentInput,
    @Ctx() ctx: Context,
  ): Promise<SegmentPayload> {
    const r = await withUserErrors(() => ctx.services.catalogueAdmin.upsertSegment(ctx.viewer, input));
    return Object.assign(new SegmentPayload(), {
      segment: r.value && presentSegment(r.value),
      userErrors: r.userErrors,
    });
  }

  @Authorized(Ability.UPSERT_PRODUCT)
  @Mutation(() => ProductPayload, {
    description:
      "Creates a product, or replaces the one with its code. ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async upsertProduct(
    @Arg("input", { description: "The mutation's one input object." }) input: UpsertProductInput,
    @Ctx() ctx: Context,
  ): Promise<ProductPayload> {
    const r = await withUserErrors(() => ctx.services.catalogueAdmin.upsertProduct(ctx.viewer, input));
    return Object.assign(new ProductPayload(), {
      product: r.value && presentProduct(r.value),
      userErrors: r.userErrors,
    });
  }
}
