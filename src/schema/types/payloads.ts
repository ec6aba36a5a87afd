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

@ObjectType("UserError", { simpleResolvers: true })
export class UserErrorGql {
  @Field(() => [String], {
    nullable: true,
    description: 'Path to the input field at fault, e.g. ["input", "requestedLimit"].',
  })
  field!: string[] | null;

  @Field()
  message!: string;

  @Field(() => UserErrorCode)
  code!: UserErrorCode;
}

@ObjectType("ClientPayload", { simpleResolvers: true })
export class ClientPayload {
  @Field(() => ClientGql, { nullable: true })
  client!: ClientGql | null;

  @Field(() => [UserErrorGql])
  userErrors!: UserErrorGql[];
}

@ObjectType("RiskAssessmentPayload", { simpleResolvers: true })
export class RiskAssessmentPayload {
  @Field(() => RiskAssessmentGql, { nullable: true })
  riskAssessment!: RiskAssessmentGql | null;

  @Field(() => [UserErrorGql])
  userErrors!: UserErrorGql[];
}

@ObjectType("RecordPayload", { simpleResolvers: true })
export class RecordPayload {
  @Field(() => Int, { description: "Rows written or updated." })
  count!: number;

  @Field(() => [UserErrorGql])
  userErrors!: UserErrorGql[];
}

@ObjectType("PortraitPayload", { simpleResolvers: true })
export class PortraitPayload {
  @Field(() => PortraitGql, { nullable: true })
  portrait!: PortraitGql | null;

  @Field(() => [UserErrorGql])
  userErrors!: UserErrorGql[];
}

// String inputs are capped at their column's width; lists at what one call may carry.

@InputType("RegisterClientInput")
export class RegisterClientInput {
  @Field()
  @MaxLength(32)
  clientNo!: string;

  @Field(() => ClientType)
  type!: ClientType;

  @Field()
  @MaxLength(100)
  name!: string;

  @Field()
  @MaxLength(18)
  idNumber!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(20)
  phone?: string | null;

  @Field()
  @MaxLength(32)
  branch!: string;

  @Field(() => DateScalar)
  @Fact()
  openedAt!: string;

  @Field(() => DateScalar, { nullable: true })
  @Fact()
  tradingSince?: string | null;

  @Field(() => InvestorCategory, { nullable: true, defaultValue: InvestorCategory.ORDINARY })
  investorCategory?: InvestorCategory | null;

  @Field(() => DecimalScalar, { nullable: true })
  @Money()
  annualIncome?: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true })
  @Money()
  financialAssets?: Decimal | null;
}

@InputType("UpdateClientInput")
export class UpdateClientInput {
  @Field(() => ID)
  @MaxLength(64)
  clientId!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(20)
  phone?: string | null;

  @Field(() => ClientStatus, { nullable: true })
  status?: ClientStatus | null;

  @Field(() => InvestorCategory, { nullable: true })
  investorCategory?: InvestorCategory | null;

  @Field(() => DecimalScalar, { nullable: true })
  @Money()
  annualIncome?: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true })
  @Money()
  financialAssets?: Decimal | null;

  @Field(() => DateScalar, { nullable: true })
  @Fact()
  tradingSince?: string | null;
}

@InputType("AnswerInput")
export class AnswerInput {
  @Field(() => ID)
  @MaxLength(16)
  questionId!: string;

  @Field(() => ID)
  @MaxLength(16)
  optionId!: string;
}

@InputType("SubmitRiskAssessmentInput")
export class SubmitRiskAssessmentInput {
  @Field(() => ID)
  @MaxLength(64)
  clientId!: string;

  @Field()
  @MaxLength(16)
  questionnaireVersion!: string;

  @Field(() => [AnswerInput])
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

@InputType("AssetSnapshotInput")
export class AssetSnapshotInput {
  @Field(() => DateScalar)
  @Fact()
  date!: string;

  @Field(() => DecimalScalar)
  @Money()
  totalAssets!: Decimal;

  @Field(() => DecimalScalar)
  @Money()
  securitiesAssets!: Decimal;

  @Field(() => DecimalScalar, { nullable: true, defaultValue: "0" })
  @Money()
  liabilities?: Decimal | string | null;
}

@InputType("RecordAssetSnapshotsInput")
export class RecordAssetSnapshotsInput {
  @Field(() => ID)
  @MaxLength(64)
  clientId!: string;

  // Twice the business limit: just over it is a coded INVALID from the service, far over a bad request.
  @Field(() => [AssetSnapshotInput])
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  snapshots!: AssetSnapshotInput[];
}

@InputType("TradeInput")
export class TradeInput {
  @Field(() => DateScalar)
  @Fact()
  tradeDate!: string;

  @Field()
  @MaxLength(16)
  symbol!: string;

  @Field(() => TradeSide)
  side!: TradeSide;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  quantity!: number;

  @Field(() => DecimalScalar)
  @Money()
  amount!: Decimal;
}

@InputType("RecordTradesInput")
export class RecordTradesInput {
  @Field(() => ID)
  @MaxLength(64)
  clientId!: string;

  @Field(() => [TradeInput])
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  trades!: TradeInput[];
}

@InputType("RefreshPortraitInput")
export class RefreshPortraitInput {
  @Field(() => ID)
  @MaxLength(64)
  clientId!: string;

  @Field(() => DateScalar, { nullable: true })
  @Fact()
  asOf?: string | null;
}

@InputType("PortraitInput")
export class PortraitInput {
  @Field(() => ClientType)
  clientType!: ClientType;

  @Field(() => InvestorCategory, { nullable: true, defaultValue: InvestorCategory.ORDINARY })
  investorCategory?: InvestorCategory | null;

  @Field(() => RiskLevel, { nullable: true })
  riskLevel?: RiskLevel | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  lowestCategory?: boolean | null;

  @Field(() => InvestmentHorizon, { nullable: true })
  horizon?: InvestmentHorizon | null;

  @Field(() => DecimalScalar)
  @Money()
  avgDailyAssets20d!: Decimal;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  @Max(12000)
  experienceMonths!: number;

  @Field(() => CreditRating)
  creditRating!: CreditRating;
}
