import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { RESOLVERS } from "../resolvers";
import { assertAuthorizedFieldsEnforced } from "./authorized-fields";
import { authChecker } from "./context";
import { enforceInputRules } from "./input-rules";

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
  });
  assertAuthorizedFieldsEnforced(schema);
  return enforceInputRules(schema);
}
