import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import { Ability } from "../services/access/abilities";
import { today } from "../domain/clock";
import type { Context } from "../schema/context";
import { canReadPersonalData } from "../services/access/policy";
import { idOf } from "../schema/global-id";
import { presentAssessment, presentClient, presentPortrait } from "../schema/presenters";
import {
  ClientPayload,
  PortraitPayload,
  RecordAssetSnapshotsInput,
  RecordPayload,
  RecordTradesInput,
  RefreshPortraitInput,
  RegisterClientInput,
  RiskAssessmentPayload,
  SubmitRiskAssessmentInput,
  UpdateClientInput,
} from "../schema/types/payloads";
import { withUserErrors } from "../schema/user-errors";

@Resolver()
export class ProfileMutations {
  @Authorized(Ability.REGISTER_CLIENT)
  @Mutation(() => ClientPayload, {
    description:
      "Registers a margin client. RELATIONSHIP_MANAGER (own branch), ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async registerClient(
    @Arg("input", { description: "The mutation's one input object." }) input: RegisterClientInput,
    @Ctx() ctx: Context,
  ): Promise<ClientPayload> {
    const r = await withUserErrors(() => ctx.services.intake.registerClient(ctx.viewer, input));
    return Object.assign(new ClientPayload(), {
      client: r.value && presentClient(r.value, ctx),
      userErrors: r.userErrors,
    });
  }

  @Authorized(Ability.UPDATE_CLIENT)
  @Mutation(() => ClientPayload, {
    description:
      "Changes a client's phone, status, category or declared figures. RELATIONSHIP_MANAGER (own branch), ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async updateClient(
    @Arg("input", { description: "The mutation's one input object." }) input: UpdateClientInput,
    @Ctx() ctx: Context,
  ): Promise<ClientPayload> {
    const r = await withUserErrors(() =>
      ctx.services.intake.updateClient(ctx.viewer, { ...input, clientId: idOf(input.clientId, "Client") }),
    );
    return Object.assign(new ClientPayload(), {
      client: r.value && presentClient(r.value, ctx),
      userErrors: r.userErrors,
    });
  }

  @Authorized(Ability.SUBMIT_RISK_ASSESSMENT)
  @Mutation(() => RiskAssessmentPayload, {
    description:
      "Scores a completed questionnaire and stores the assessment, valid ASSESSMENT_VALIDITY_DAYS. RELATIONSHIP_MANAGER (own branch), ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async submitRiskAssessment(
    @Arg("input", { description: "The mutation's one input object." }) input: SubmitRiskAssessmentInput,
    @Ctx() ctx: Context,
  ): Promise<RiskAssessmentPayload> {
    const r = await withUserErrors(() =>
      ctx.services.assessments.submit(ctx.viewer, { ...input, clientId: idOf(input.clientId, "Client") }),
    );
    return Object.assign(new RiskAssessmentPayload(), {
      riskAssessment: r.value && presentAssessment(r.value, ctx.clock.now()),
      userErrors: r.userErrors,
    });
  }

  @Authorized(Ability.RECORD_ASSET_SNAPSHOTS)
  @Mutation(() => RecordPayload, {
    description:
      "Records daily asset snapshots (a second for a date replaces the first). RISK_OFFICER, ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async recordAssetSnapshots(
    @Arg("input", { description: "The mutation's one input object." }) input: RecordAssetSnapshotsInput,
    @Ctx() ctx: Context,
  ): Promise<RecordPayload> {
    const r = await withUserErrors(() =>
      ctx.services.rawData.recordAssetSnapshots(ctx.viewer, idOf(input.clientId, "Client"), input.snapshots),
    );
    return Object.assign(new RecordPayload(), { count: r.value ?? 0, userErrors: r.userErrors });
  }

  @Authorized(Ability.RECORD_TRADES)
  @Mutation(() => RecordPayload, {
    description:
      "Records trades. RISK_OFFICER, ADMIN. Trades are appended: retry with the same Idempotency-Key, never without. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async recordTrades(
    @Arg("input", { description: "The mutation's one input object." }) input: RecordTradesInput,
    @Ctx() ctx: Context,
  ): Promise<RecordPayload> {
    const r = await withUserErrors(() =>
      ctx.services.rawData.recordTrades(ctx.viewer, idOf(input.clientId, "Client"), input.trades),
    );
    return Object.assign(new RecordPayload(), { count: r.value ?? 0, userErrors: r.userErrors });
  }

  @Authorized(Ability.REFRESH_PORTRAIT)
  @Mutation(() => PortraitPayload, {
    description:
      "Computes and stores a new portrait as of a date; a lower rating than the previous raises a RATING_DOWNGRADE alert and reviews. RISK_OFFICER, ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async refreshPortrait(
    @Arg("input", { description: "The mutation's one input object." }) input: RefreshPortraitInput,
    @Ctx() ctx: Context,
  ): Promise<PortraitPayload> {
    const r = await withUserErrors(() =>
      ctx.services.portraits.refreshPortrait(
        ctx.viewer,
        idOf(input.clientId, "Client"),
        input.asOf ?? today(ctx.clock),
      ),
    );
    const client = r.value && (await ctx.loaders.client.load(r.value.clientId));
    return Object.assign(new PortraitPayload(), {
      portrait:
        r.value && presentPortrait(r.value, client !== null && canReadPersonalData(ctx.viewer, client), ctx.trail),
      userErrors: r.userErrors,
    });
  }
}
