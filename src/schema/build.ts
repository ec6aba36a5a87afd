import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { RESOLVERS } from "../resolvers";
import { servePlannedClients } from "../resolvers/planned";
import { assertAuthorizedFieldsEnforced } from "./authorized-fields";
import { authChecker } from "./context";
import { enforceInputRules } from "./input-rules";

/**
 * type-graphql asks for a PubSub once a resolver has a subscription; ours all bring their own
 * `subscribe` (the live feed), so no topic is ever published or followed through this one.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error("Subscriptions follow the live feed, not type-graphql topics");
  },
  subscribe() {
    throw new Error("Subscriptions follow the live feed, not type-graphql topics");
  },
};

/**
 * The executable schema: type-graphql classes, one authChecker (refusing to build where it would be
 * skipped), class-validator on every input, and the input ranges of SPEC §10 checked before any root
 * field runs.
 */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: "error",
    validate: { forbidUnknownValues: false },
    pubSub: NO_TOPICS,
  });
  assertAuthorizedFieldsEnforced(schema);
  const built = enforceInputRules(schema);
  servePlannedClients(built);
  describeRootTypes(built);
  return built;
}

/** type-graphql offers no option for the root types' own descriptions (SPEC §11: every type has one). */
function describeRootTypes(schema: GraphQLSchema): void {
  const query = schema.getQueryType();
  if (query) {
    query.description =
      "Reads. Every request needs `Authorization: Bearer <JWT>`; branch-scoped relationship managers see only their branch's clients, and personal data is masked unless the viewer may read it (SPEC §6). Lists are connections: `first` from 1 to 500, opaque cursors.";
  }
  const subscription = schema.getSubscriptionType();
  if (subscription) {
    subscription.description =
      "Live events over graphql-ws on /graphql (WebSocket, subprotocol graphql-transport-ws): the bearer token goes in connection_init's payload as `authorization`; each event is scoped and masked for the subscriber as the matching query (SPEC §12).";
  }
  const mutation = schema.getMutationType();
  if (mutation) {
    mutation.description =
      "Writes. Each takes one `input` and returns a payload whose `userErrors` carry the business refusals (HTTP 200, nothing written); missing permission is a top-level FORBIDDEN. Every write is audited in its own transaction. Send an `Idempotency-Key` header to retry safely.";
  }
}
