import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../schema/context";
import { presentProductFit, presentSegmentFit } from "../schema/presenters";
import { ClientGql } from "../schema/types/client";
import { FitSimulationGql, ProductFitGql, SegmentFitGql } from "../schema/types/catalogue";
import { PortraitInput } from "../schema/types/payloads";
import { simulatedSubject } from "../services/fit/catalogue";
import { clientFit, pickProductFits } from "../services/fit/fit-service";
import { checkFirst } from "../domain/paging";
import { BadInputError } from "../errors";

@Resolver(() => ClientGql)
export class ClientFitResolver {
  @FieldResolver(() => SegmentFitGql, {
    nullable: true,
    description: "Best segment for the latest portrait, computed on demand; null when none matches.",
  })
  async segment(@Root() client: ClientGql, @Ctx() ctx: Context): Promise<SegmentFitGql | null> {
    const fit = await ctx.loaders.fits.load(client.dbId);
    return fit?.segment ? presentSegmentFit(fit.segment) : null;
  }

  @FieldResolver(() => [SegmentFitGql], { description: "Every active segment, matched first, then by priority." })
  async segmentFits(@Root() client: ClientGql, @Ctx() ctx: Context): Promise<SegmentFitGql[]> {
    const fit = await ctx.loaders.fits.load(client.dbId);
    return fit === null ? [] : fit.segments.map(presentSegmentFit);
  }

  @FieldResolver(() => [ProductFitGql], { description: "Active products, eligible first, then by score." })
  async productFits(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { description: "How many fits to return, 1 to 500.", nullable: true, defaultValue: 10 })
    first: number,
    @Arg("eligibleOnly", () => Boolean, {
      description: "Only products the client is eligible for.",
      nullable: true,
      defaultValue: false,
    })
    eligibleOnly: boolean,
  ): Promise<ProductFitGql[]> {
    checkFirst(first);
    const fit = await ctx.loaders.fits.load(client.dbId);
    if (fit === null) return [];
    return pickProductFits(fit.products, { first, eligibleOnly: eligibleOnly === true }).map(presentProductFit);
  }
}

@Resolver()
export class SimulationResolver {
  @Query(() => FitSimulationGql, { description: "What-if matching of a portrait that is not stored." })
  async simulateFit(
    @Arg("input", { description: "The portrait to place." }) input: PortraitInput,
    @Ctx() ctx: Context,
  ): Promise<FitSimulationGql> {
    if (input.avgDailyAssets20d.isNegative())
      throw new BadInputError("avgDailyAssets20d must not be negative", "input");
    const subject = simulatedSubject(input);
    const catalogue = await ctx.loaders.catalogue();
    const fit = clientFit(subject, [], catalogue);
    return Object.assign(new FitSimulationGql(), {
      segment: fit.segment && presentSegmentFit(fit.segment),
      segmentFits: fit.segments.map(presentSegmentFit),
      productFits: pickProductFits(fit.products, { first: 500, eligibleOnly: false }).map(presentProductFit),
    });
  }
}
