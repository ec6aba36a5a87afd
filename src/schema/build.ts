import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { RESOLVERS } from "../resolvers";
import { authChecker } from "./context";
import { enforceInputRules } from "./input-rules";

/**
 * The executable schema: type-graphql classes, one authChecker, class-validator on every input, and
 * the input ranges of SPEC §10 checked before any root field runs.
 */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  return enforceInputRules(
    await buildSchema({
      resolvers: RESOLVERS,
      authChecker,
      authMode: "error",
      validate: { forbidUnknownValues: false },
    }),
  );
}
