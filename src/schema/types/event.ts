import { ArrayMaxSize, MaxLength } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../scalars";
import { connectionTypes } from "./connection";

@ObjectType("Event", {
  description:
    "A committed change, written in the transaction of the change (SPEC §12). The payload carries no personal data.",
  simpleResolvers: true,
})
export class EventGql {
  @Field(() => ID, { description: "Unique; consumers de-duplicate by it." })
  id!: string;

  @Field({ description: "e.g. facility.approved, alert.raised, review.completed" })
  type!: string;

  @Field({ description: "Type of the object the event is about, e.g. `CreditFacility` (`Job` for a batch job's run)." })
  aggregateType!: string;

  @Field(() => ID, { description: "Global ID of the object the event is about (a job's batch key for `Job`)." })
  aggregateId!: string;

  @Field(() => DateTimeScalar, { description: "When the change was made (UTC)." })
  occurredAt!: Date;

  @Field({ description: "JSON object." })
  payload!: string;
}

export const { Edge: EventEdge, Connection: EventConnection } = connectionTypes("Event", EventGql);
export type EventConnection = InstanceType<typeof EventConnection>;

@InputType("EventFilter", { description: "Narrows the event stream; every given criterion must hold." })
export class EventFilterInput {
  @Field(() => [String], { description: "Only events of these types (at most 50).", nullable: true })
  @ArrayMaxSize(50)
  @MaxLength(64, { each: true })
  types?: string[] | null;

  @Field(() => String, { description: "Only events about this type of object, e.g. `CreditFacility`.", nullable: true })
  @MaxLength(32)
  aggregateType?: string | null;
}
