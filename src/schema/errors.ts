import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { AuthorizationError } from "type-graphql";
import { DomainError } from "../errors";

/**
 * The one mapping of errors to what a client sees (STYLE.md: mapped once, at the edge).
 * Domain errors keep their code and message; anything unexpected is masked.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return { message: original.message, path: formatted.path, extensions: { code: original.extensionCode } };
  }
  if (original instanceof AuthorizationError) {
    return { message: "You are not allowed to do this", path: formatted.path, extensions: { code: "FORBIDDEN" } };
  }
  const code = formatted.extensions?.code;
  if (code === "BAD_USER_INPUT" || code === "GRAPHQL_VALIDATION_FAILED" || code === "GRAPHQL_PARSE_FAILED") {
    // graphql-js quotes the offending value in coercion errors; input is never echoed back.
    const message = formatted.message.replace(/got invalid value [\s\S]*?;/g, "got an invalid value;");
    const validation = formatted.extensions?.validationErrors as
      { property: string; constraints?: object }[] | undefined;
    return {
      message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code,
        ...(validation
          ? { fields: validation.map((v) => ({ field: v.property, rules: Object.keys(v.constraints ?? {}) })) }
          : {}),
      },
    };
  }
  if (original instanceof GraphQLError || code === "UNAUTHENTICATED" || code === "FORBIDDEN") {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
