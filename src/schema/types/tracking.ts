import { Field, Int, ObjectType } from "type-graphql";
import { CreditRating } from "../../domain/enums";
import "../enums";
import { DateScalar, DecimalScalar } from "../scalars";
import { ProductGql, SegmentGql } from "./catalogue";

// SPEC §13: what the segmentation yields over time, and what changing it would do.

@ObjectType("SegmentHistoryPoint", {
  description: "A segment's figures on one snapshot date (SPEC §13).",
  simpleResolvers: true,
})
export class SegmentHistoryPointGql {
  @Field(() => DateScalar, { description: "The last snapshot date of the period that lies in [from, to]." })
  date!: string;

  @Field(() => Int, { description: "Clients in the segment on that date." })
  clientCount!: number;

  @Field(() => DecimalScalar, { description: "Their 20-day average daily assets, summed (CNY, 2 decimals)." })
  totalAvgDailyAssets!: string;

  @Field(() => Int, {
    description: "Their facilities in force (ACTIVE, MARGIN_CALL, SUSPENDED) at the end of that date.",
  })
  activeFacilityCount!: number;

  @Field(() => DecimalScalar, { description: "Those facilities' approved limits, summed (CNY, 2 decimals)." })
  totalApprovedLimit!: string;
}

@ObjectType("SegmentMigrationCell", {
  description: "How many clients were in one segment on one date and in another (or the same) on a later one.",
  simpleResolvers: true,
})
export class SegmentMigrationCellGql {
  @Field(() => SegmentGql, { description: "Null: in no segment.", nullable: true })
  fromSegment!: SegmentGql | null;

  @Field(() => SegmentGql, { description: "Null: in no segment.", nullable: true })
  toSegment!: SegmentGql | null;

  @Field(() => Int, { description: "Clients that moved so." })
  clientCount!: number;
}

@ObjectType("SegmentPerformance", {
  description: "The effect of serving one segment over a period (SPEC §13); rates are Decimal ratios with 4 decimals.",
  simpleResolvers: true,
})
export class SegmentPerformanceGql {
  @Field(() => SegmentGql, { description: "Null: the clients in no segment.", nullable: true })
  segment!: SegmentGql | null;

  @Field(() => DateScalar, { description: "First day of the period." })
  from!: string;

  @Field(() => DateScalar, { description: "Last day of the period." })
  to!: string;

  @Field(() => Int, { description: "Clients in the segment on the last snapshot date ≤ to." })
  clientCount!: number;

  @Field(() => Int, { description: "Their facilities in force at some moment of the period." })
  facilitiesInForce!: number;

  @Field(() => Int, { description: "Their facilities signed (startDate) in the period." })
  facilitiesOpened!: number;

  @Field(() => DecimalScalar, {
    description: "usedAmount ÷ approvedLimit over facilities in force at `to`, 4 dp; null when none.",
    nullable: true,
  })
  utilization!: string | null;

  @Field(() => DecimalScalar, {
    description:
      "Facilities with a MARGIN_CALL alert raised in the period ÷ facilities in force in the period, 4 dp; null when none.",
    nullable: true,
  })
  marginCallRate!: string | null;

  @Field(() => DecimalScalar, {
    description:
      "Facilities that went to LIQUIDATING in the period ÷ facilities in force in the period, 4 dp (不良率); null when none.",
    nullable: true,
  })
  defaultRate!: string | null;

  @Field(() => DecimalScalar, {
    description:
      "Interest accrued in the period: for each day, the latest usedAmount × annualRate ÷ 365, summed, 2 dp.",
  })
  interestIncome!: string;

  @Field(() => Int, { description: "Satisfaction answers in the period, by the client's segment on the survey date." })
  satisfactionResponses!: number;

  @Field(() => DecimalScalar, {
    description: "Net promoter score: % promoters − % detractors, 2 dp; null without responses.",
    nullable: true,
  })
  nps!: string | null;
}

@ObjectType("ProductEligibilityChange", {
  description: "Clients who would gain or lose a product's eligibility with a segment change.",
  simpleResolvers: true,
})
export class ProductEligibilityChangeGql {
  @Field(() => ProductGql, { description: "The active product." })
  product!: ProductGql;

  @Field(() => Int, { description: "Clients not eligible now who would be after the change." })
  gaining!: number;

  @Field(() => Int, { description: "Clients eligible now who would not be after the change." })
  losing!: number;
}

@ObjectType("SegmentChangePreview", {
  description: "What an upsertSegment would change, computed on the latest portraits; nothing is stored (SPEC §13).",
  simpleResolvers: true,
})
export class SegmentChangePreviewGql {
  @Field(() => Int, { description: "Clients with a latest portrait that the preview placed." })
  clientsAssessed!: number;

  @Field(() => [SegmentMigrationCellGql], {
    description:
      "Moves from each client's segment now to its segment after the change; cells with clientCount 0 are left out.",
  })
  moves!: SegmentMigrationCellGql[];

  @Field(() => [ProductEligibilityChangeGql], {
    description: "Per active product, clients who would gain or lose eligibility.",
  })
  productEligibility!: ProductEligibilityChangeGql[];
}

@ObjectType("RatingPerformance", {
  description: "Bads among the cohort's clients of one rating.",
  simpleResolvers: true,
})
export class RatingPerformanceGql {
  @Field(() => CreditRating, { description: "The rating of the cohort portrait." })
  creditRating!: CreditRating;

  @Field(() => Int, { description: "Cohort clients with that rating." })
  clients!: number;

  @Field(() => Int, { description: "Of those, the bads." })
  bads!: number;

  @Field(() => DecimalScalar, { description: "bads ÷ clients, 4 dp." })
  badRate!: string;
}

@ObjectType("CreditModelPerformance", {
  description: "How well the credit score ranked the clients who later went bad (SPEC §13).",
  simpleResolvers: true,
})
export class CreditModelPerformanceGql {
  @Field(() => DateScalar, { description: "The cohort date." })
  cohortDate!: string;

  @Field(() => Int, { description: "Days after the cohort date in which a client may go bad." })
  horizonDays!: number;

  @Field(() => Int, { description: "Clients with a portrait dated ≤ cohortDate and an open facility on cohortDate." })
  clients!: number;

  @Field(() => Int, {
    description:
      "Of those, clients with a facility that had a MARGIN_CALL alert or went to LIQUIDATING in (cohortDate, cohortDate + horizonDays].",
  })
  bads!: number;

  @Field(() => DecimalScalar, {
    description:
      "Probability that a good client's score is above a bad client's (ties count half), 4 dp; null without both.",
    nullable: true,
  })
  auc!: string | null;

  @Field(() => DecimalScalar, {
    description: "Largest gap between the cumulative score distributions of bads and goods, 4 dp; null without both.",
    nullable: true,
  })
  ks!: string | null;

  @Field(() => [RatingPerformanceGql], { description: "Clients, bads and bad rate per rating, best rating first." })
  ratings!: RatingPerformanceGql[];
}
