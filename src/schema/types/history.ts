import { Field, Int, ObjectType } from "type-graphql";
import { TradeSide } from "../../domain/enums";
import "../enums";
import { DateScalar, DecimalScalar } from "../scalars";
import { PortraitGql } from "./client";
import { connectionTypes } from "./connection";

// SPEC §11 Read-back: what recordAssetSnapshots, recordTrades and refreshPortrait wrote, latest first.

@ObjectType("AssetSnapshot", {
  description: "A client's assets at the close of one trading date (one per date; a later record replaces it).",
  simpleResolvers: true,
})
export class AssetSnapshotGql {
  @Field(() => DateScalar, { description: "The trading date." })
  date!: string;

  @Field(() => DecimalScalar, { description: "Total assets (CNY, 2 decimals)." })
  totalAssets!: string;

  @Field(() => DecimalScalar, { description: "Securities assets (CNY, 2 decimals): what average daily assets sum." })
  securitiesAssets!: string;
}

@ObjectType("Trade", { description: "One recorded trade of a client.", simpleResolvers: true })
export class TradeGql {
  @Field(() => DateScalar, { description: "The trading date." })
  tradeDate!: string;

  @Field({ description: "Security code." })
  symbol!: string;

  @Field(() => TradeSide, { description: "Buy or sell." })
  side!: TradeSide;

  @Field(() => Int, { description: "Number of shares." })
  quantity!: number;

  @Field(() => DecimalScalar, { description: "Traded amount (CNY, 2 decimals)." })
  amount!: string;
}

export const { Edge: PortraitEdge, Connection: PortraitConnection } = connectionTypes("Portrait", PortraitGql);
export type PortraitConnection = InstanceType<typeof PortraitConnection>;

export const { Edge: AssetSnapshotEdge, Connection: AssetSnapshotConnection } = connectionTypes(
  "AssetSnapshot",
  AssetSnapshotGql,
);
export type AssetSnapshotConnection = InstanceType<typeof AssetSnapshotConnection>;

export const { Edge: TradeEdge, Connection: TradeConnection } = connectionTypes("Trade", TradeGql);
export type TradeConnection = InstanceType<typeof TradeConnection>;
