import { Field, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../scalars";
import { connectionTypes } from "./connection";

@ObjectType("PersonalDataAccess", {
  description:
    "One response that carried a client's personal data in clear (SPEC §14): who received it, which fields, the request, when.",
  simpleResolvers: true,
})
export class PersonalDataAccessGql {
  @Field({ description: "The token subject that received it." })
  viewer!: string;

  @Field(() => [String], { description: "Personal fields it carried, e.g. name, idNumber, phone." })
  fields!: string[];

  @Field({ description: "The request's id (the x-request-id header of its response)." })
  requestId!: string;

  @Field(() => DateTimeScalar, { description: "When it was served (UTC)." })
  at!: Date;
}

export const { Edge: PersonalDataAccessEdge, Connection: PersonalDataAccessConnection } = connectionTypes(
  "PersonalDataAccess",
  PersonalDataAccessGql,
);
export type PersonalDataAccessConnection = InstanceType<typeof PersonalDataAccessConnection>;
