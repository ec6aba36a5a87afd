import { Field, ID, InterfaceType, ObjectType } from "type-graphql";

@InterfaceType({
  description: "Opaque global identification (Relay). IDs are opaque strings: clients must not decode them.",
})
export abstract class Node {
  @Field(() => ID, {
    description: "Opaque global ID; `node(id)` reads the object back, with the same authorization as every path.",
  })
  id!: string;
}

@ObjectType({ description: "Where a page sits in its list (Relay).", simpleResolvers: true })
export class PageInfo {
  @Field({ description: "More items follow: ask again with after: endCursor." })
  hasNextPage!: boolean;

  @Field({ description: "True when the page was asked for with `after` (items precede it)." })
  hasPreviousPage!: boolean;

  @Field(() => String, { description: "Cursor of the first item; null on an empty page.", nullable: true })
  startCursor!: string | null;

  @Field(() => String, {
    description: "Cursor of the last item, to pass as `after`; null on an empty page.",
    nullable: true,
  })
  endCursor!: string | null;
}
