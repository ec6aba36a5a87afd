import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { historyPageKey } from "../loaders/history";
import type { Context } from "../schema/context";
import { presentAssetSnapshot, presentPortrait, presentSatisfaction, presentTrade } from "../schema/presenters";
import { canReadPersonalData } from "../services/access/policy";
import { ClientGql } from "../schema/types/client";
import { toConnection } from "../schema/types/connection";
import { AssetSnapshotConnection, PortraitConnection, TradeConnection } from "../schema/types/history";
import { SatisfactionResponseConnection } from "../schema/types/satisfaction";

const FIRST = "Page size, 1 to 500 (outside that range: BAD_USER_INPUT).";
const AFTER = "Opaque cursor (an edge's `cursor` or `pageInfo.endCursor`): the page starts after it.";

/**
 * SPEC §11 Read-back: a client's portraits, asset snapshots, trades and satisfaction responses, latest
 * first. The client is already in the viewer's scope; each connection is one statement for a whole
 * page of clients.
 */
@Resolver(() => ClientGql)
export class ClientHistoryResolver {
  @FieldResolver(() => PortraitConnection, { description: "Every stored portrait, latest asOf first." })
  async portraits(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20, description: FIRST }) first: number,
    @Arg("after", () => String, { nullable: true, description: AFTER }) after?: string | null,
  ): Promise<PortraitConnection> {
    const page = await ctx.loaders.portraitsOfClient.load(historyPageKey(client.dbId, first, after));
    // Declared income and financial assets are personal data, in each portrait too.
    const clear = canReadPersonalData(ctx.viewer, client);
    return toConnection(PortraitConnection, page, (p) => presentPortrait(p, clear, ctx.trail));
  }

  @FieldResolver(() => AssetSnapshotConnection, { description: "Daily asset snapshots, latest date first." })
  async assetSnapshots(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20, description: FIRST }) first: number,
    @Arg("after", () => String, { nullable: true, description: AFTER }) after?: string | null,
  ): Promise<AssetSnapshotConnection> {
    const page = await ctx.loaders.assetSnapshotsOfClient.load(historyPageKey(client.dbId, first, after));
    return toConnection(AssetSnapshotConnection, page, presentAssetSnapshot);
  }

  @FieldResolver(() => TradeConnection, { description: "Recorded trades, latest trade date first." })
  async trades(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20, description: FIRST }) first: number,
    @Arg("after", () => String, { nullable: true, description: AFTER }) after?: string | null,
  ): Promise<TradeConnection> {
    const page = await ctx.loaders.tradesOfClient.load(historyPageKey(client.dbId, first, after));
    return toConnection(TradeConnection, page, presentTrade);
  }

  @FieldResolver(() => SatisfactionResponseConnection, {
    description: "Satisfaction survey responses, latest first (SPEC §13).",
  })
  async satisfaction(
    @Root() client: ClientGql,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20, description: FIRST }) first: number,
    @Arg("after", () => String, { nullable: true, description: AFTER }) after?: string | null,
  ): Promise<SatisfactionResponseConnection> {
    const page = await ctx.loaders.satisfactionOfClient.load(historyPageKey(client.dbId, first, after));
    // The comment is the client's own words: personal data.
    const clear = canReadPersonalData(ctx.viewer, client);
    return toConnection(SatisfactionResponseConnection, page, (r) => presentSatisfaction(r, clear, ctx.trail));
  }
}
