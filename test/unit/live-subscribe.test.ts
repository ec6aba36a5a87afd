import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from "graphql";
import { createLiveSubscribe } from "../../src/server/live-execution";

const hooks = { executed: () => undefined, sent: () => undefined, format: () => [] };

/** A schema whose one subscription field streams from a plain generator, not the live feed. */
function schemaStreaming(source: AsyncGenerator<unknown>): GraphQLSchema {
  const field = { type: GraphQLString, subscribe: () => source, resolve: (v: unknown) => String(v) };
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({ name: "Subscription", fields: { ticks: field } }),
  });
}

describe("live subscriptions are delivered by their class only (SPEC §12)", () => {
  it("answers a subscription whose field does not follow the feed with a coded error, and closes its stream", async () => {
    let closed = false;
    async function* ticks() {
      try {
        yield "never delivered";
      } finally {
        closed = true;
      }
    }
    const source = ticks();
    await source.next(); // started, so that return() runs its finally
    const subscribe = createLiveSubscribe(hooks);
    const result = (await subscribe({
      schema: schemaStreaming(source),
      document: parse("subscription { ticks }"),
      contextValue: {},
    })) as ExecutionResult;
    expect(closed).toBe(true);
    expect(result.errors?.map((e) => [e.message, e.extensions.code])).toEqual([
      ["Internal server error", "INTERNAL_SERVER_ERROR"],
    ]);
  });

  it("passes a refusal at the start through as the source stream gave it", async () => {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString } } }),
      subscription: new GraphQLObjectType({
        name: "Subscription",
        fields: {
          ticks: {
            type: GraphQLString,
            subscribe: () => {
              throw new Error("not for you");
            },
          },
        },
      }),
    });
    const result = (await createLiveSubscribe(hooks)({
      schema,
      document: parse("subscription { ticks }"),
      contextValue: {},
    })) as ExecutionResult;
    expect(result.errors?.map((e) => e.message)).toEqual(["not for you"]);
  });
});
