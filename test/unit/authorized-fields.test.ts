import { Authorized, buildSchema, Field, FieldResolver, ObjectType, Query, Resolver } from "type-graphql";
import { assertAuthorizedFieldsEnforced } from "../../src/schema/authorized-fields";

@ObjectType("Guarded", { simpleResolvers: true })
class Guarded {
  @Authorized("READ_SECRET")
  @Field(() => String)
  secret!: string;

  @Field(() => String)
  open!: string;
}

@ObjectType("Resolved", { simpleResolvers: true })
class Resolved {
  @Field(() => String)
  open!: string;
}

@ObjectType("Plain")
class Plain {
  @Authorized("READ_SECRET")
  @Field(() => String)
  secret!: string;
}

@Resolver()
class WrongRoot {
  @Query(() => Guarded)
  guarded(): Guarded {
    return { secret: "s", open: "o" };
  }
}

@Resolver(() => Resolved)
class RightRoot {
  @Query(() => Resolved)
  resolved(): Resolved {
    return { open: "o" };
  }

  @Query(() => Plain)
  plain(): Plain {
    return { secret: "s" };
  }

  @Authorized("READ_SECRET")
  @FieldResolver(() => String)
  secret(): string {
    return "s";
  }
}

const build = (resolver: typeof WrongRoot | typeof RightRoot) =>
  buildSchema({ resolvers: [resolver], authChecker: () => false, authMode: "error" });

describe("a schema whose @Authorized type-graphql would skip does not build", () => {
  it("refuses @Authorized on a field of a simpleResolvers type, naming the field", async () => {
    const schema = await build(WrongRoot);
    expect(() => assertAuthorizedFieldsEnforced(schema)).toThrow(/Guarded\.secret/);
  });

  it("accepts @Authorized on a field resolver of a simpleResolvers type, and on a plain type's field", async () => {
    const schema = await build(RightRoot);
    expect(() => assertAuthorizedFieldsEnforced(schema)).not.toThrow();
  });
});
