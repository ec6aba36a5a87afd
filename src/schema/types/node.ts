import { Field, ID, InterfaceType, ObjectType } from "type-graphql";

@InterfaceType({
  description: "Opaque global identification (Relay). IDs are opaque strings: clients must not decode them.",
})
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}
