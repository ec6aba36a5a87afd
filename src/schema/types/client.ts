import { Field, ID, Int, ObjectType } from "type-graphql";
import {
  ClientStatus,
  ClientType,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  RiskLevel,
  Role,
} from "../../domain/enums";
import "../enums";
import { DateScalar, DateTimeScalar, DecimalScalar } from "../scalars";
import { connectionTypes } from "./connection";
import { Node } from "./node";

@ObjectType("Client", {
  description:
    "A margin client (融资融券客户) of the broker: the record, its portrait, fits, facilities, reviews and alerts. A relationship manager without a book-wide role sees only its branch's clients.",
  implements: Node,
  simpleResolvers: true,
})
export class ClientGql extends Node {
  @Field({ description: "The broker's client number, unique; lists are ordered by it by default." })
  clientNo!: string;

  @Field(() => ClientType, { description: "Individual or institution." })
  type!: ClientType;

  @Field(() => ClientStatus, { description: "Account status; only an ACTIVE client may take a product." })
  status!: ClientStatus;

  @Field(() => InvestorCategory, {
    description: "ORDINARY or PROFESSIONAL (earned: needs professionalEligible on the latest portrait).",
  })
  investorCategory!: InvestorCategory;

  @Field({ description: "Masked (王*明) unless the viewer may read this client's personal data." })
  name!: string;

  @Field({ description: "Masked (110101********1234) unless the viewer may read this client's personal data." })
  idNumber!: string;

  @Field(() => String, {
    nullable: true,
    description: "Masked (138****5678) unless the viewer may read this client's personal data.",
  })
  phone!: string | null;

  @Field({ description: "Branch code that holds the client; branch-scoped viewers see only their own." })
  branch!: string;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Date the client declares it began trading securities anywhere.",
  })
  tradingSince!: string | null;

  @Field(() => DateScalar, { description: "Date the margin account was opened." })
  openedAt!: string;

  @Field(() => DateTimeScalar, { description: "When the record was created (UTC)." })
  createdAt!: Date;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "Declared annual income; null unless the viewer may read this client's personal data.",
  })
  annualIncome!: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "Declared financial assets; null unless the viewer may read this client's personal data.",
  })
  financialAssets!: string | null;

  /** Internal: the row id and the pointer to the latest portrait, for nested loaders. */
  dbId!: number;
  latestPortraitId!: number | null;
}

export const { Edge: ClientEdge, Connection: ClientConnection } = connectionTypes("Client", ClientGql);
export type ClientConnection = InstanceType<typeof ClientConnection>;

@ObjectType("RiskAssessment", {
  description: "A risk-tolerance assessment (风险测评) from the server's questionnaire (SPEC §3).",
  implements: Node,
  simpleResolvers: true,
})
export class RiskAssessmentGql extends Node {
  @Field(() => Int, { description: "Sum of the chosen options' points, 0 to 100." })
  score!: number;

  @Field(() => RiskLevel, {
    description: "Band of the score (C1 0–19 … C5 80–100), or C1 when the lowest-category option was chosen.",
  })
  riskLevel!: RiskLevel;

  @Field({ description: "The client chose the option that marks the lowest category (may take only R1 products)." })
  lowestCategory!: boolean;

  @Field(() => InvestmentHorizon, { description: "Investment horizon from the horizon question." })
  horizon!: InvestmentHorizon;

  @Field(() => DateTimeScalar, { description: "When the assessment was made (UTC)." })
  assessedAt!: Date;

  @Field(() => DateTimeScalar, { description: "assessedAt plus ASSESSMENT_VALIDITY_DAYS (730 by default)." })
  validUntil!: Date;

  @Field({ description: "validUntil has passed; an expired assessment blocks new facilities, signing and extensions." })
  expired!: boolean;

  clientDbId!: number;
}

@ObjectType("ScoreFactor", {
  description: "One factor of the credit scorecard and the points it gave (SPEC §3).",
  simpleResolvers: true,
})
export class ScoreFactorGql {
  @Field({
    description:
      "Factor: avgDailyAssets20d, experienceMonths, annualIncome, annualTurnover, marginCallsLast12m or defaultsCount.",
  })
  name!: string;

  @Field({ description: "The client's value for the factor, as text." })
  value!: string;

  @Field(() => Int, { description: "Points the factor added to the credit score." })
  points!: number;
}

@ObjectType("Portrait", {
  description: "A client's portrait (客户画像) as of a date: a stored snapshot, one per computation (SPEC §3).",
  implements: Node,
  simpleResolvers: true,
})
export class PortraitGql extends Node {
  @Field(() => DateScalar, { description: "The date the figures are computed for." })
  asOf!: string;

  @Field(() => DateTimeScalar, { description: "When it was computed (UTC)." })
  computedAt!: Date;

  @Field(() => RiskLevel, { nullable: true, description: "From the latest valid assessment; null when there is none." })
  riskLevel!: RiskLevel | null;

  @Field(() => InvestmentHorizon, {
    description: "From the latest valid assessment; null when there is none.",
    nullable: true,
  })
  horizon!: InvestmentHorizon | null;

  @Field(() => DecimalScalar, {
    description: "Sum of securities assets over the last 20 recorded trading days, divided by 20.",
  })
  avgDailyAssets20d!: string;

  @Field(() => Int, { description: "Number of trading days (at most 20) that had a snapshot." })
  assetDays!: number;

  @Field(() => DecimalScalar, {
    description:
      "totalAssets of the latest snapshot dated on or before asOf; 0.00 when none (CNY, a Decimal string with 2 decimals).",
  })
  totalAssets!: string;

  @Field(() => DecimalScalar, {
    description:
      "Declared financial assets; null when undeclared. Personal data: null for viewers who may not read it (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  financialAssets!: string | null;

  @Field(() => DecimalScalar, {
    description:
      "Declared annual income; null when undeclared. Personal data: null for viewers who may not read it (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  annualIncome!: string | null;

  @Field(() => Int, { description: "Whole months from the earlier of tradingSince and the first trade to asOf." })
  experienceMonths!: number;

  @Field(() => DecimalScalar, {
    description: "Trade amount over the 365 days to asOf divided by avgDailyAssets20d (Decimal string, 2 decimals).",
  })
  annualTurnover!: string;

  @Field(() => Int, { description: "MARGIN_CALL alerts raised for the client in the 365 days to asOf." })
  marginCallsLast12m!: number;

  @Field(() => Int, { description: "Facilities of the client that ever went to LIQUIDATING." })
  defaultsCount!: number;

  @Field(() => Int, { description: "Credit scorecard total, 0 to 100." })
  creditScore!: number;

  @Field(() => CreditRating, {
    description: "Rating band of the score (AAA ≥ 90 … C < 40), capped at B after a default.",
  })
  creditRating!: CreditRating;

  @Field(() => [ScoreFactorGql], { description: "How the credit score was reached, one line a factor." })
  creditFactors!: ScoreFactorGql[];

  @Field({ description: "Meets the professional-investor test (assets or income, and 24 months' experience)." })
  professionalEligible!: boolean;

  clientDbId!: number;
  lowestCategory!: boolean;
}

@ObjectType("Viewer", { description: "Who the token says the caller is.", simpleResolvers: true })
export class ViewerGql {
  @Field({ description: "The token's `sub`." })
  subject!: string;

  @Field(() => [Role], { description: "The token's roles." })
  roles!: Role[];

  @Field(() => String, { description: "The token's branch; branch-scoped roles see only its clients.", nullable: true })
  branch!: string | null;
}

@ObjectType("QuestionOption", { description: "One answer option of a questionnaire question.", simpleResolvers: true })
export class QuestionOptionGql {
  @Field(() => ID, { description: "Option id to send in AnswerInput.optionId." })
  id!: string;

  @Field({ description: "Option text." })
  text!: string;

  @Field(() => Int, { description: "Whole points the option adds to the score." })
  points!: number;

  @Field({ description: "Choosing it places the investor in the lowest category." })
  lowestCategory!: boolean;

  @Field(() => InvestmentHorizon, {
    description: "The horizon this option sets (horizon question only); null otherwise.",
    nullable: true,
  })
  horizon!: InvestmentHorizon | null;
}

@ObjectType("Question", { description: "One question of the risk questionnaire.", simpleResolvers: true })
export class QuestionGql {
  @Field(() => ID, { description: "Question id to send in AnswerInput.questionId." })
  id!: string;

  @Field({ description: "Question text." })
  text!: string;

  @Field(() => [QuestionOptionGql], { description: "The options, of which exactly one is chosen." })
  options!: QuestionOptionGql[];
}

@ObjectType("RiskQuestionnaire", {
  description: "The current risk questionnaire: at least 8 questions; top options add to 100.",
  simpleResolvers: true,
})
export class RiskQuestionnaireGql {
  @Field({ description: "Version to send in SubmitRiskAssessmentInput.questionnaireVersion." })
  version!: string;

  @Field(() => [QuestionGql], { description: "Every question; an assessment answers each exactly once." })
  questions!: QuestionGql[];
}
