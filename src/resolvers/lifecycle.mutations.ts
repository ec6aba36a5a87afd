import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import { Ability } from "../services/access/abilities";
import type { Context } from "../schema/context";
import { idOf } from "../schema/global-id";
import { presentAlert, presentFacility, presentReview } from "../schema/presenters";
import {
  AlertPayload,
  ApplyForFacilityInput,
  ApproveFacilityInput,
  BatchPayload,
  CancelReviewInput,
  CloseFacilityInput,
  CompleteReviewInput,
  CreateReviewInput,
  ExtendFacilityInput,
  FacilityPayload,
  ProcessMaturitiesInput,
  RecordFacilityValuationsInput,
  ResolveAlertInput,
  ReviewPayload,
  ScheduleReviewsInput,
  SignFacilityInput,
  StartReviewInput,
  ValuationsPayload,
} from "../schema/types/lifecycle";
import { UserErrorGql } from "../schema/types/payloads";
import { userErrorsOf, withUserErrors } from "../schema/user-errors";
import type { CreditFacilityEntity, PostLoanReviewEntity } from "../entities";

const facilityPayload = (r: { value: CreditFacilityEntity | null; userErrors: UserErrorGql[] }) =>
  Object.assign(new FacilityPayload(), { facility: r.value && presentFacility(r.value), userErrors: r.userErrors });
const reviewPayload = (r: { value: PostLoanReviewEntity | null; userErrors: UserErrorGql[] }) =>
  Object.assign(new ReviewPayload(), { review: r.value && presentReview(r.value), userErrors: r.userErrors });

@Resolver()
export class LifecycleMutations {
  @Authorized(Ability.APPLY_FOR_FACILITY)
  @Mutation(() => FacilityPayload)
  async applyForFacility(@Arg("input") input: ApplyForFacilityInput, @Ctx() ctx: Context): Promise<FacilityPayload> {
    const r = await withUserErrors(() =>
      ctx.services.facilities.apply(ctx.viewer, {
        clientId: idOf(input.clientId, "Client"),
        productId: idOf(input.productId, "Product"),
        requestedLimit: input.requestedLimit,
      }),
    );
    if (r.value === null) return facilityPayload(r);
    // A refused application is kept (REJECTED) and reported at once.
    return facilityPayload({ value: r.value.facility, userErrors: userErrorsOf(r.value.refusal) });
  }

  @Authorized(Ability.APPROVE_FACILITY)
  @Mutation(() => FacilityPayload)
  async approveFacility(@Arg("input") input: ApproveFacilityInput, @Ctx() ctx: Context): Promise<FacilityPayload> {
    return facilityPayload(
      await withUserErrors(() =>
        ctx.services.facilities.approve(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.SIGN_FACILITY)
  @Mutation(() => FacilityPayload)
  async signFacility(@Arg("input") input: SignFacilityInput, @Ctx() ctx: Context): Promise<FacilityPayload> {
    return facilityPayload(
      await withUserErrors(() =>
        ctx.services.facilities.sign(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.RECORD_FACILITY_VALUATIONS)
  @Mutation(() => ValuationsPayload)
  async recordFacilityValuations(
    @Arg("input") input: RecordFacilityValuationsInput,
    @Ctx() ctx: Context,
  ): Promise<ValuationsPayload> {
    const r = await withUserErrors(() =>
      ctx.services.monitoring.recordValuations(
        ctx.viewer,
        input.valuations.map((v) => ({ ...v, facilityId: idOf(v.facilityId, "CreditFacility") })),
      ),
    );
    return Object.assign(new ValuationsPayload(), {
      facilities: r.value ? r.value.facilities.map(presentFacility) : [],
      alertsRaised: r.value?.alertsRaised ?? 0,
      userErrors: r.userErrors,
    });
  }

  @Authorized(Ability.EXTEND_FACILITY)
  @Mutation(() => FacilityPayload)
  async extendFacility(@Arg("input") input: ExtendFacilityInput, @Ctx() ctx: Context): Promise<FacilityPayload> {
    return facilityPayload(
      await withUserErrors(() =>
        ctx.services.facilities.extend(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.CLOSE_FACILITY)
  @Mutation(() => FacilityPayload)
  async closeFacility(@Arg("input") input: CloseFacilityInput, @Ctx() ctx: Context): Promise<FacilityPayload> {
    return facilityPayload(
      await withUserErrors(() =>
        ctx.services.facilities.close(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.PROCESS_MATURITIES)
  @Mutation(() => BatchPayload)
  async processMaturities(@Arg("input") input: ProcessMaturitiesInput, @Ctx() ctx: Context): Promise<BatchPayload> {
    const r = await withUserErrors(() => ctx.services.monitoring.processMaturities(ctx.viewer, input.asOf));
    return Object.assign(new BatchPayload(), { count: r.value ?? 0, userErrors: r.userErrors });
  }

  @Authorized(Ability.SCHEDULE_REVIEWS)
  @Mutation(() => BatchPayload)
  async scheduleReviews(@Arg("input") input: ScheduleReviewsInput, @Ctx() ctx: Context): Promise<BatchPayload> {
    const r = await withUserErrors(() => ctx.services.monitoring.scheduleReviews(ctx.viewer, input.asOf));
    return Object.assign(new BatchPayload(), { count: r.value ?? 0, userErrors: r.userErrors });
  }

  @Authorized(Ability.CREATE_REVIEW)
  @Mutation(() => ReviewPayload)
  async createReview(@Arg("input") input: CreateReviewInput, @Ctx() ctx: Context): Promise<ReviewPayload> {
    return reviewPayload(
      await withUserErrors(() =>
        ctx.services.reviews.create(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.START_REVIEW)
  @Mutation(() => ReviewPayload)
  async startReview(@Arg("input") input: StartReviewInput, @Ctx() ctx: Context): Promise<ReviewPayload> {
    return reviewPayload(
      await withUserErrors(() =>
        ctx.services.reviews.start(ctx.viewer, { ...input, reviewId: idOf(input.reviewId, "PostLoanReview") }),
      ),
    );
  }

  @Authorized(Ability.COMPLETE_REVIEW)
  @Mutation(() => ReviewPayload)
  async completeReview(@Arg("input") input: CompleteReviewInput, @Ctx() ctx: Context): Promise<ReviewPayload> {
    return reviewPayload(
      await withUserErrors(() =>
        ctx.services.reviews.complete(ctx.viewer, { ...input, reviewId: idOf(input.reviewId, "PostLoanReview") }),
      ),
    );
  }

  @Authorized(Ability.CANCEL_REVIEW)
  @Mutation(() => ReviewPayload)
  async cancelReview(@Arg("input") input: CancelReviewInput, @Ctx() ctx: Context): Promise<ReviewPayload> {
    return reviewPayload(
      await withUserErrors(() =>
        ctx.services.reviews.cancel(ctx.viewer, { ...input, reviewId: idOf(input.reviewId, "PostLoanReview") }),
      ),
    );
  }

  @Authorized(Ability.RESOLVE_ALERT)
  @Mutation(() => AlertPayload)
  async resolveAlert(@Arg("input") input: ResolveAlertInput, @Ctx() ctx: Context): Promise<AlertPayload> {
    const r = await withUserErrors(() =>
      ctx.services.reviews.resolveAlert(ctx.viewer, { ...input, alertId: idOf(input.alertId, "Alert") }),
    );
    return Object.assign(new AlertPayload(), { alert: r.value && presentAlert(r.value), userErrors: r.userErrors });
  }
}
