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
  @Mutation(() => FacilityPayload, {
    description:
      "Applies for a facility: product fit now from the latest portrait; eligible → PENDING_APPROVAL (or PENDING_SIGNATURE for an AUTO segment) with min(requested, recommended); not eligible → kept REJECTED with NOT_ELIGIBLE/ASSESSMENT_EXPIRED. One open facility per client and product (DUPLICATE). RELATIONSHIP_MANAGER (own branch), ADMIN.",
  })
  async applyForFacility(
    @Arg("input", { description: "The mutation's one input object." }) input: ApplyForFacilityInput,
    @Ctx() ctx: Context,
  ): Promise<FacilityPayload> {
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
  @Mutation(() => FacilityPayload, {
    description:
      "Approves or rejects a PENDING_APPROVAL facility: STANDARD one approval, COMMITTEE two different officers (four eyes). RISK_OFFICER only. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async approveFacility(
    @Arg("input", { description: "The mutation's one input object." }) input: ApproveFacilityInput,
    @Ctx() ctx: Context,
  ): Promise<FacilityPayload> {
    return facilityPayload(
      await withUserErrors(() =>
        ctx.services.facilities.approve(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.SIGN_FACILITY)
  @Mutation(() => FacilityPayload, {
    description:
      "Signs a PENDING_SIGNATURE facility with the current disclosure acknowledged and a valid assessment → ACTIVE, maturity start + termDays. RELATIONSHIP_MANAGER (own branch), ADMIN. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async signFacility(
    @Arg("input", { description: "The mutation's one input object." }) input: SignFacilityInput,
    @Ctx() ctx: Context,
  ): Promise<FacilityPayload> {
    return facilityPayload(
      await withUserErrors(() =>
        ctx.services.facilities.sign(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.RECORD_FACILITY_VALUATIONS)
  @Mutation(() => ValuationsPayload, {
    description:
      "Records end-of-day valuations, all or nothing (≤ 5,000): sets the maintenance ratio, moves states and raises alerts by the lowest line crossed (SPEC §5). RISK_OFFICER, ADMIN.",
  })
  async recordFacilityValuations(
    @Arg("input", { description: "The mutation's one input object." }) input: RecordFacilityValuationsInput,
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
  @Mutation(() => FacilityPayload, {
    description:
      "Extends an ACTIVE facility by one term (extensionsUsed < maxExtensions, valid assessment). RELATIONSHIP_MANAGER (own branch), RISK_OFFICER. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async extendFacility(
    @Arg("input", { description: "The mutation's one input object." }) input: ExtendFacilityInput,
    @Ctx() ctx: Context,
  ): Promise<FacilityPayload> {
    return facilityPayload(
      await withUserErrors(() =>
        ctx.services.facilities.extend(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.CLOSE_FACILITY)
  @Mutation(() => FacilityPayload, {
    description:
      "Closes a facility with nothing borrowed (else INVALID): the exit. RELATIONSHIP_MANAGER (own branch), RISK_OFFICER. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async closeFacility(
    @Arg("input", { description: "The mutation's one input object." }) input: CloseFacilityInput,
    @Ctx() ctx: Context,
  ): Promise<FacilityPayload> {
    return facilityPayload(
      await withUserErrors(() =>
        ctx.services.facilities.close(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.PROCESS_MATURITIES)
  @Mutation(() => BatchPayload, {
    description:
      "Batch job: matured facilities to LIQUIDATING or CLOSED, maturity and assessment-expiry alerts and reviews. Idempotent. RISK_OFFICER, ADMIN.",
  })
  async processMaturities(
    @Arg("input", { description: "The mutation's one input object." }) input: ProcessMaturitiesInput,
    @Ctx() ctx: Context,
  ): Promise<BatchPayload> {
    const r = await withUserErrors(() => ctx.services.monitoring.processMaturities(ctx.viewer, input.asOf));
    return Object.assign(new BatchPayload(), { count: r.value ?? 0, userErrors: r.userErrors });
  }

  @Authorized(Ability.SCHEDULE_REVIEWS)
  @Mutation(() => BatchPayload, {
    description:
      "Batch job: opens the PERIODIC reviews that are due by the segments' review intervals. Idempotent. RISK_OFFICER, ADMIN.",
  })
  async scheduleReviews(
    @Arg("input", { description: "The mutation's one input object." }) input: ScheduleReviewsInput,
    @Ctx() ctx: Context,
  ): Promise<BatchPayload> {
    const r = await withUserErrors(() => ctx.services.monitoring.scheduleReviews(ctx.viewer, input.asOf));
    return Object.assign(new BatchPayload(), { count: r.value ?? 0, userErrors: r.userErrors });
  }

  @Authorized(Ability.CREATE_REVIEW)
  @Mutation(() => ReviewPayload, {
    description:
      "Opens a MANUAL review of a facility. RISK_OFFICER only. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async createReview(
    @Arg("input", { description: "The mutation's one input object." }) input: CreateReviewInput,
    @Ctx() ctx: Context,
  ): Promise<ReviewPayload> {
    return reviewPayload(
      await withUserErrors(() =>
        ctx.services.reviews.create(ctx.viewer, { ...input, facilityId: idOf(input.facilityId, "CreditFacility") }),
      ),
    );
  }

  @Authorized(Ability.START_REVIEW)
  @Mutation(() => ReviewPayload, {
    description:
      "Starts a SCHEDULED review: the viewer becomes the assignee, a snapshot and a recommendation are captured. RISK_OFFICER only. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async startReview(
    @Arg("input", { description: "The mutation's one input object." }) input: StartReviewInput,
    @Ctx() ctx: Context,
  ): Promise<ReviewPayload> {
    return reviewPayload(
      await withUserErrors(() =>
        ctx.services.reviews.start(ctx.viewer, { ...input, reviewId: idOf(input.reviewId, "PostLoanReview") }),
      ),
    );
  }

  @Authorized(Ability.COMPLETE_REVIEW)
  @Mutation(() => ReviewPayload, {
    description:
      "Completes an IN_PROGRESS review and applies its outcome to the facility in the same transaction (SPEC §5). RISK_OFFICER only. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async completeReview(
    @Arg("input", { description: "The mutation's one input object." }) input: CompleteReviewInput,
    @Ctx() ctx: Context,
  ): Promise<ReviewPayload> {
    return reviewPayload(
      await withUserErrors(() =>
        ctx.services.reviews.complete(ctx.viewer, { ...input, reviewId: idOf(input.reviewId, "PostLoanReview") }),
      ),
    );
  }

  @Authorized(Ability.CANCEL_REVIEW)
  @Mutation(() => ReviewPayload, {
    description:
      "Cancels a SCHEDULED or IN_PROGRESS review. RISK_OFFICER only. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async cancelReview(
    @Arg("input", { description: "The mutation's one input object." }) input: CancelReviewInput,
    @Ctx() ctx: Context,
  ): Promise<ReviewPayload> {
    return reviewPayload(
      await withUserErrors(() =>
        ctx.services.reviews.cancel(ctx.viewer, { ...input, reviewId: idOf(input.reviewId, "PostLoanReview") }),
      ),
    );
  }

  @Authorized(Ability.RESOLVE_ALERT)
  @Mutation(() => AlertPayload, {
    description:
      "Resolves an open alert. RISK_OFFICER only. Returns the payload; a refused request carries userErrors and writes nothing.",
  })
  async resolveAlert(
    @Arg("input", { description: "The mutation's one input object." }) input: ResolveAlertInput,
    @Ctx() ctx: Context,
  ): Promise<AlertPayload> {
    const r = await withUserErrors(() =>
      ctx.services.reviews.resolveAlert(ctx.viewer, { ...input, alertId: idOf(input.alertId, "Alert") }),
    );
    return Object.assign(new AlertPayload(), { alert: r.value && presentAlert(r.value), userErrors: r.userErrors });
  }
}
