import { IsInt, Max, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { SatisfactionChannel } from "../../domain/enums";
import { SATISFACTION_COMMENT_MAX } from "../../entities/satisfaction-response.entity";
import "../enums";
import { Fact } from "../input-rules";
import { DateScalar, DateTimeScalar } from "../scalars";
import { connectionTypes } from "./connection";
import { Node } from "./node";
import { UserErrorGql } from "./payloads";

// SPEC §13: satisfaction survey answers, the evidence the seed's fourth step asks for.

@ObjectType("SatisfactionResponse", {
  description: "A survey answer on a 0–10 scale: 9–10 promoter, 7–8 passive, 0–6 detractor.",
  implements: Node,
  simpleResolvers: true,
})
export class SatisfactionResponseGql extends Node {
  @Field(() => DateScalar, { description: "The date the client answered." })
  surveyedOn!: string;

  @Field(() => Int, { description: "0 (would not recommend) to 10 (would certainly recommend)." })
  score!: number;

  @Field(() => SatisfactionChannel, { description: "How the survey was answered." })
  channel!: SatisfactionChannel;

  @Field(() => String, {
    description: 'Free text: personal data, "***" unless the viewer may read this client\'s personal data.',
    nullable: true,
  })
  comment!: string | null;

  @Field({ description: "Token subject of whoever recorded the answer." })
  recordedBy!: string;

  @Field(() => DateTimeScalar, { description: "When it was recorded (UTC)." })
  createdAt!: Date;

  dbId!: number;
  clientDbId!: number;
}

export const { Edge: SatisfactionResponseEdge, Connection: SatisfactionResponseConnection } = connectionTypes(
  "SatisfactionResponse",
  SatisfactionResponseGql,
);
export type SatisfactionResponseConnection = InstanceType<typeof SatisfactionResponseConnection>;

@InputType("RecordSatisfactionInput", { description: "One satisfaction survey answer of a client." })
export class RecordSatisfactionInput {
  @Field(() => ID, { description: "Global ID of the client." })
  @MaxLength(64)
  clientId!: string;

  @Field(() => DateScalar, { description: "The date the client answered; not after today." })
  @Fact()
  surveyedOn!: string;

  @Field(() => Int, { description: "0 to 10 (9–10 promoter, 7–8 passive, 0–6 detractor)." })
  @IsInt()
  @Min(0)
  @Max(10)
  score!: number;

  @Field(() => SatisfactionChannel, { description: "How the survey was answered." })
  channel!: SatisfactionChannel;

  @Field(() => String, {
    description: `The client's own words (personal data), at most ${SATISFACTION_COMMENT_MAX} characters.`,
    nullable: true,
  })
  @MaxLength(SATISFACTION_COMMENT_MAX)
  comment?: string | null;
}

@ObjectType("SatisfactionPayload", { description: "Result of recordSatisfaction.", simpleResolvers: true })
export class SatisfactionPayload {
  @Field(() => SatisfactionResponseGql, { description: "The recorded answer; null when refused.", nullable: true })
  response!: SatisfactionResponseGql | null;

  @Field(() => [UserErrorGql], {
    description:
      "Business rules that refused the request, each with a code and the input field path; empty on success.",
  })
  userErrors!: UserErrorGql[];
}

@InputType("SnapshotSegmentsInput", { description: "Run of the daily segment snapshot (SPEC §13)." })
export class SnapshotSegmentsInput {
  @Field(() => DateScalar, { description: "The date to place every client as of; not after today." })
  @Fact()
  asOf!: string;
}
