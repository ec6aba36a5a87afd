import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { RESOLVERS } from "../resolvers";
import { authChecker } from "./context";

/** The executable schema: type-graphql classes, one authChecker, class-validator on every input. */
export function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: "error",
    validate: { forbidUnknownValues: false },
  });
}
