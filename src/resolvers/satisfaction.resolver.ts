import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Ability } from "../services/access/abilities";
import { canReadPersonalData } from "../services/access/policy";
import type { Context } from "../schema/context";
import { idOf } from "../schema/global-id";
import { presentSatisfaction } from "../schema/presenters";
import { ClientGql } from "../schema/types/client";
import { BatchPayload } from "../schema/types/lifecycle";
import {
  RecordSatisfactionInput,
  SatisfactionPayload,
  SatisfactionResponseGql,
  SnapshotSegmentsInput,
} from "../schema/types/satisfaction";
import { withUserErrors } from "../schema/user-errors";
import { owningClient } from "./client.resolver";

@Resolver(() => SatisfactionResponseGql)
export class SatisfactionResolver {
  @FieldResolver(() => ClientGql, { description: "The client who answered." })
  client(@Root() r: SatisfactionResponseGql, @Ctx() ctx: Context): Promise<ClientGql> {
    return owningClient(r.clientDbId, ctx);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The client's segment code on surveyedOn (from the segment snapshots, else the latest portrait); null when none.",
  })
  async segmentCode(@Root() r: SatisfactionResponseGql, @Ctx() ctx: Context): Promise<string | null> {
    const snapshot = await ctx.loaders.snapshotSegment.load({ clientId: r.clientDbId, date: r.surveyedOn });
    if (snapshot !== undefined)
      return snapshot === null ? null : ((await ctx.loaders.segment.load(snapshot))?.code ?? null);
    return (await ctx.loaders.fits.load(r.clientDbId))?.segment?.segment.code ?? null;
  }

  @Authorized(Ability.RECORD_SATISFACTION)
  @Mutation(() => SatisfactionPayload, {
    description:
      "Record one satisfaction survey response (SPEC §13): a 0–10 score, a channel, a date not after today, an optional comment (personal data). RELATIONSHIP_MANAGER (own branch), ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async recordSatisfaction(
    @Arg("input", { description: "The mutation's one input object." }) input: RecordSatisfactionInput,
    @Ctx() ctx: Context,
  ): Promise<SatisfactionPayload> {
    const r = await withUserErrors(() =>
      ctx.services.satisfaction.record(ctx.viewer, { ...input, clientId: idOf(input.clientId, "Client") }),
    );
    const client = r.value && (await ctx.loaders.client.load(r.value.clientId));
    return Object.assign(new SatisfactionPayload(), {
      response:
        r.value && presentSatisfaction(r.value, client !== null && canReadPersonalData(ctx.viewer, client), ctx.trail),
      userErrors: r.userErrors,
    });
  }

  @Authorized(Ability.SNAPSHOT_SEGMENTS)
  @Mutation(() => BatchPayload, {
    description:
      "Batch job: stores every client's segment as of a date, from its latest portrait dated on or before it and the active segments (SPEC §13). Idempotent per date: count is the rows written, 0 when a second run finds nothing changed. RISK_OFFICER, ADMIN.",
  })
  async snapshotSegments(
    @Arg("input", { description: "The mutation's one input object." }) input: SnapshotSegmentsInput,
    @Ctx() ctx: Context,
  ): Promise<BatchPayload> {
    const r = await withUserErrors(() => ctx.services.snapshots.snapshotSegments(ctx.viewer, input.asOf));
    return Object.assign(new BatchPayload(), { count: r.value ?? 0, userErrors: r.userErrors });
  }
}
