import { ArrayMaxSize, IsInt, Max, MaxLength, Min, ValidateNested } from "class-validator";
import type Decimal from "decimal.js";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import {
  ClientStatus,
  ClientType,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  RiskLevel,
  TradeSide,
  UserErrorCode,
} from "../../domain/enums";
import "../enums";
import { Fact, Money } from "../input-rules";
import { DateScalar, DateTimeScalar, DecimalScalar } from "../scalars";
import { ClientGql, PortraitGql, RiskAssessmentGql } from "./client";

@ObjectType("UserError", {
  description:
    "A business rule that refused a request (HTTP 200): the code to branch on and the input field concerned.",
  simpleResolvers: true,
})
export class UserErrorGql {
  @Field(() => [String], {
    nullable: true,
    description: 'Path to the input field at fault, e.g. ["input", "requestedLimit"].',
  })
  field!: string[] | null;

  @Field({ description: "Human-readable reason, never echoing the input value." })
  message!: string;

  @Field(() => UserErrorCode, { description: "Stable code to branch on." })
  code!: UserErrorCode;
}

@ObjectType("ClientPayload", { description: "Result of registerClient or updateClient.", simpleResolvers: true })
export class ClientPayload {
  @Field(() => ClientGql, { description: "The client after the write; null when refused.", nullable: true })
  client!: ClientGql | null;

  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@ObjectType("RiskAssessmentPayload", { description: "Result of submitRiskAssessment.", simpleResolvers: true })
export class RiskAssessmentPayload {
  @Field(() => RiskAssessmentGql, { description: "The stored assessment; null when refused.", nullable: true })
  riskAssessment!: RiskAssessmentGql | null;

  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@ObjectType("RecordPayload", {
  description: "Result of a raw-data recording (snapshots, trades).",
  simpleResolvers: true,
})
export class RecordPayload {
  @Field(() => Int, { description: "Rows written or updated." })
  count!: number;

  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@ObjectType("PortraitPayload", { description: "Result of refreshPortrait.", simpleResolvers: true })
export class PortraitPayload {
  @Field(() => PortraitGql, { description: "The new portrait; null when refused.", nullable: true })
  portrait!: PortraitGql | null;

  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

// String inputs are capped at their column's width; lists at what one call may carry.

@InputType("RegisterClientInput", { description: "A new margin client." })
export class RegisterClientInput {
  @Field({ description: "The broker's client number, unique (DUPLICATE)." })
  @MaxLength(32)
  clientNo!: string;

  @Field(() => ClientType, { description: "Individual or institution." })
  type!: ClientType;

  @Field({
    description:
      "Full name. Personal data: masked for every viewer but COMPLIANCE and the branch's relationship managers.",
  })
  @MaxLength(100)
  name!: string;

  @Field({
    description:
      "ID number (or unified social credit code), unique among clients (DUPLICATE: one margin account per investor). Personal data.",
  })
  @MaxLength(18)
  idNumber!: string;

  @Field(() => String, { description: "Phone number. Personal data.", nullable: true })
  @MaxLength(20)
  phone?: string | null;

  @Field({ description: "Branch code; a relationship manager may register only in its own branch." })
  @MaxLength(32)
  branch!: string;

  @Field(() => DateScalar, { description: "Date the margin account was opened; not after today." })
  @Fact()
  openedAt!: string;

  @Field(() => DateScalar, {
    description: "Date the client began trading securities; not after today.",
    nullable: true,
  })
  @Fact()
  tradingSince?: string | null;

  @Field(() => InvestorCategory, {
    description: "ORDINARY by default; PROFESSIONAL needs a portrait with professionalEligible (NOT_ELIGIBLE).",
    nullable: true,
    defaultValue: InvestorCategory.ORDINARY,
  })
  investorCategory?: InvestorCategory | null;

  @Field(() => DecimalScalar, {
    description: "Declared annual income. Personal data (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  annualIncome?: Decimal | null;

  @Field(() => DecimalScalar, {
    description: "Declared financial assets. Personal data (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  financialAssets?: Decimal | null;
}

@InputType("UpdateClientInput", { description: "Changes to a client; an omitted field is left as it is." })
export class UpdateClientInput {
  @Field(() => ID, { description: "Global ID of the client." })
  @MaxLength(64)
  clientId!: string;

  @Field(() => String, { description: "New phone number. Personal data.", nullable: true })
  @MaxLength(20)
  phone?: string | null;

  @Field(() => ClientStatus, { description: "New account status.", nullable: true })
  status?: ClientStatus | null;

  @Field(() => InvestorCategory, {
    description: "New category; PROFESSIONAL needs professionalEligible on the latest portrait (NOT_ELIGIBLE).",
    nullable: true,
  })
  investorCategory?: InvestorCategory | null;

  @Field(() => DecimalScalar, {
    description: "Declared annual income. Personal data (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  annualIncome?: Decimal | null;

  @Field(() => DecimalScalar, {
    description: "Declared financial assets. Personal data (CNY, a Decimal string with 2 decimals).",
    nullable: true,
  })
  @Money()
  financialAssets?: Decimal | null;

  @Field(() => DateScalar, {
    description: "Date the client began trading securities; not after today.",
    nullable: true,
  })
  @Fact()
  tradingSince?: string | null;
}

@InputType("AnswerInput", { description: "The option chosen for one question." })
export class AnswerInput {
  @Field(() => ID, { description: "Question.id." })
  @MaxLength(16)
  questionId!: string;

  @Field(() => ID, { description: "QuestionOption.id of that question." })
  @MaxLength(16)
  optionId!: string;
}

@InputType("SubmitRiskAssessmentInput", { description: "A completed questionnaire." })
export class SubmitRiskAssessmentInput {
  @Field(() => ID, { description: "Global ID of the client." })
  @MaxLength(64)
  clientId!: string;

  @Field({ description: "RiskQuestionnaire.version answered; must be the current one (INVALID)." })
  @MaxLength(16)
  questionnaireVersion!: string;

  @Field(() => [AnswerInput], { description: "One answer per question, each exactly once (INVALID otherwise)." })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  answers!: AnswerInput[];

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "Only when importing a legacy record (ADMIN); defaults to now.",
  })
  @Fact()
  assessedAt?: Date | null;
}

@InputType("AssetSnapshotInput", { description: "A client's assets at the end of one trading day." })
export class AssetSnapshotInput {
  @Field(() => DateScalar, {
    description: "Trading date; not after today. A second snapshot for a date replaces the first.",
  })
  @Fact()
  date!: string;

  @Field(() => DecimalScalar, { description: "Total assets (CNY, a Decimal string with 2 decimals)." })
  @Money()
  totalAssets!: Decimal;

  @Field(() => DecimalScalar, {
    description: "Securities assets, the basis of avgDailyAssets20d (CNY, a Decimal string with 2 decimals).",
  })
  @Money()
  securitiesAssets!: Decimal;

  @Field(() => DecimalScalar, {
    description: "Liabilities (CNY, a Decimal string with 2 decimals).",
    nullable: true,
    defaultValue: "0",
  })
  @Money()
  liabilities?: Decimal | string | null;
}

@InputType("RecordAssetSnapshotsInput", {
  description: "Daily asset snapshots of one client (idempotent per client and date).",
})
export class RecordAssetSnapshotsInput {
  @Field(() => ID, { description: "Global ID of the client." })
  @MaxLength(64)
  clientId!: string;

  // Twice the business limit: just over it is a coded INVALID from the service, far over a bad request.
  @Field(() => [AssetSnapshotInput], { description: "The snapshots, at most one per date." })
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  snapshots!: AssetSnapshotInput[];
}

@InputType("TradeInput", { description: "One executed trade." })
export class TradeInput {
  @Field(() => DateScalar, { description: "Trading date; not after today." })
  @Fact()
  tradeDate!: string;

  @Field({ description: "Security code, e.g. `600519.SH`." })
  @MaxLength(16)
  symbol!: string;

  @Field(() => TradeSide, { description: "Buy or sell." })
  side!: TradeSide;

  @Field(() => Int, { description: "Number of shares, positive." })
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  quantity!: number;

  @Field(() => DecimalScalar, { description: "Trade amount, positive (CNY, a Decimal string with 2 decimals)." })
  @Money()
  amount!: Decimal;
}

@InputType("RecordTradesInput", {
  description: "Trades of one client (send an Idempotency-Key to retry safely: trades are not deduplicated).",
})
export class RecordTradesInput {
  @Field(() => ID, { description: "Global ID of the client." })
  @MaxLength(64)
  clientId!: string;

  @Field(() => [TradeInput], { description: "The trades." })
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  trades!: TradeInput[];
}

@InputType("RefreshPortraitInput", { description: "Recomputation of one client's portrait." })
export class RefreshPortraitInput {
  @Field(() => ID, { description: "Global ID of the client." })
  @MaxLength(64)
  clientId!: string;

  @Field(() => DateScalar, { description: "Date to compute for; default today, never after today.", nullable: true })
  @Fact()
  asOf?: string | null;
}

@InputType("PortraitInput", { description: "A hypothetical portrait for simulateFit." })
export class PortraitInput {
  @Field(() => ClientType, { description: "Client type." })
  clientType!: ClientType;

  @Field(() => InvestorCategory, {
    description: "Investor category.",
    nullable: true,
    defaultValue: InvestorCategory.ORDINARY,
  })
  investorCategory?: InvestorCategory | null;

  @Field(() => RiskLevel, {
    description: "Risk level; null as for a client without a valid assessment.",
    nullable: true,
  })
  riskLevel?: RiskLevel | null;

  @Field(() => Boolean, {
    description: "Whether the lowest-category option was chosen.",
    nullable: true,
    defaultValue: false,
  })
  lowestCategory?: boolean | null;

  @Field(() => InvestmentHorizon, { description: "Investment horizon; null when unknown.", nullable: true })
  horizon?: InvestmentHorizon | null;

  @Field(() => DecimalScalar, {
    description: "20-day average daily assets, not negative (CNY, a Decimal string with 2 decimals).",
  })
  @Money()
  avgDailyAssets20d!: Decimal;

  @Field(() => Int, { description: "Whole months of trading experience." })
  @IsInt()
  @Min(0)
  @Max(12000)
  experienceMonths!: number;

  @Field(() => CreditRating, { description: "Credit rating." })
  creditRating!: CreditRating;
}
