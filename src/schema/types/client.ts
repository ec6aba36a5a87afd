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

@ObjectType("Client", { implements: Node, simpleResolvers: true })
export class ClientGql extends Node {
  @Field()
  clientNo!: string;

  @Field(() => ClientType)
  type!: ClientType;

  @Field(() => ClientStatus)
  status!: ClientStatus;

  @Field(() => InvestorCategory)
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

  @Field()
  branch!: string;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Date the client declares it began trading securities anywhere.",
  })
  tradingSince!: string | null;

  @Field(() => DateScalar)
  openedAt!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  /** Internal: the row id and the pointer to the latest portrait, for nested loaders. */
  dbId!: number;
  latestPortraitId!: number | null;
}

export const { Edge: ClientEdge, Connection: ClientConnection } = connectionTypes("Client", ClientGql);
export type ClientConnection = InstanceType<typeof ClientConnection>;

@ObjectType("RiskAssessment", { implements: Node, simpleResolvers: true })
export class RiskAssessmentGql extends Node {
  @Field(() => Int)
  score!: number;

  @Field(() => RiskLevel)
  riskLevel!: RiskLevel;

  @Field()
  lowestCategory!: boolean;

  @Field(() => InvestmentHorizon)
  horizon!: InvestmentHorizon;

  @Field(() => DateTimeScalar)
  assessedAt!: Date;

  @Field(() => DateTimeScalar)
  validUntil!: Date;

  @Field()
  expired!: boolean;

  clientDbId!: number;
}

@ObjectType("ScoreFactor", { simpleResolvers: true })
export class ScoreFactorGql {
  @Field()
  name!: string;

  @Field()
  value!: string;

  @Field(() => Int)
  points!: number;
}

@ObjectType("Portrait", { implements: Node, simpleResolvers: true })
export class PortraitGql extends Node {
  @Field(() => DateScalar)
  asOf!: string;

  @Field(() => DateTimeScalar)
  computedAt!: Date;

  @Field(() => RiskLevel, { nullable: true, description: "From the latest valid assessment; null when there is none." })
  riskLevel!: RiskLevel | null;

  @Field(() => InvestmentHorizon, { nullable: true })
  horizon!: InvestmentHorizon | null;

  @Field(() => DecimalScalar, {
    description: "Sum of securities assets over the last 20 recorded trading days, divided by 20.",
  })
  avgDailyAssets20d!: string;

  @Field(() => Int, { description: "Number of trading days (at most 20) that had a snapshot." })
  assetDays!: number;

  @Field(() => DecimalScalar)
  totalAssets!: string;

  @Field(() => DecimalScalar, { nullable: true })
  financialAssets!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  annualIncome!: string | null;

  @Field(() => Int)
  experienceMonths!: number;

  @Field(() => DecimalScalar)
  annualTurnover!: string;

  @Field(() => Int)
  marginCallsLast12m!: number;

  @Field(() => Int)
  defaultsCount!: number;

  @Field(() => Int)
  creditScore!: number;

  @Field(() => CreditRating)
  creditRating!: CreditRating;

  @Field(() => [ScoreFactorGql], { description: "How the credit score was reached, one line a factor." })
  creditFactors!: ScoreFactorGql[];

  @Field()
  professionalEligible!: boolean;

  clientDbId!: number;
  lowestCategory!: boolean;
}

@ObjectType("Viewer", { simpleResolvers: true })
export class ViewerGql {
  @Field()
  subject!: string;

  @Field(() => [Role])
  roles!: Role[];

  @Field(() => String, { nullable: true })
  branch!: string | null;
}

@ObjectType("QuestionOption", { simpleResolvers: true })
export class QuestionOptionGql {
  @Field(() => ID)
  id!: string;

  @Field()
  text!: string;

  @Field(() => Int)
  points!: number;

  @Field({ description: "Choosing it places the investor in the lowest category." })
  lowestCategory!: boolean;

  @Field(() => InvestmentHorizon, { nullable: true })
  horizon!: InvestmentHorizon | null;
}

@ObjectType("Question", { simpleResolvers: true })
export class QuestionGql {
  @Field(() => ID)
  id!: string;

  @Field()
  text!: string;

  @Field(() => [QuestionOptionGql])
  options!: QuestionOptionGql[];
}

@ObjectType("RiskQuestionnaire", { simpleResolvers: true })
export class RiskQuestionnaireGql {
  @Field()
  version!: string;

  @Field(() => [QuestionGql])
  questions!: QuestionGql[];
}
