import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { AuthorizationError } from "type-graphql";
import { DomainError } from "../errors";

/**
 * The one mapping of errors to what a client sees (STYLE.md: mapped once, at the edge).
 * Domain errors keep their code and message; anything unexpected is masked.
 */
/** Connection-level failures of either driver: the database is unreachable, not the request wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string } | null;
  const code = e?.driverError?.code ?? e?.code;
  return (
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EPIPE",
      "PROTOCOL_CONNECTION_LOST",
      "ER_CON_COUNT_ERROR",
      "POOL_CLOSED",
    ].includes(code ?? "") ||
    /connect ETIMEDOUT|Connection lost|Pool is closed|Queue limit reached/i.test(e?.message ?? "")
  );
}

export function createFormatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = formatError(formatted, error);
    // Field suggestions would map the schema for a stranger when introspection is off.
    return production ? { ...out, message: out.message.replace(/ Did you mean .*\?$/, "") } : out;
  };
}

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isDatabaseUnavailable(original)) {
    return {
      message: "The database is not reachable; try again shortly",
      path: formatted.path,
      extensions: { code: "SERVICE_UNAVAILABLE" },
    };
  }
  if (formatted.extensions?.code === "QUERY_TOO_COMPLEX" || formatted.extensions?.code === "THROTTLED") {
    return { message: formatted.message, extensions: formatted.extensions };
  }
  if (original instanceof DomainError) {
    return { message: original.message, path: formatted.path, extensions: { code: original.extensionCode } };
  }
  if (original instanceof AuthorizationError) {
    return { message: "You are not allowed to do this", path: formatted.path, extensions: { code: "FORBIDDEN" } };
  }
  const code = formatted.extensions?.code;
  if (code === "BAD_USER_INPUT" || code === "GRAPHQL_VALIDATION_FAILED" || code === "GRAPHQL_PARSE_FAILED") {
    // graphql-js quotes the offending value in coercion errors; input is never echoed back.
    const message = formatted.message
      .replace(/got invalid value[\s\S]*/, "got an invalid value.")
      .replace(/(cannot represent[^:]*): [\s\S]*/, "$1.")
      .replace(/found [\s\S]*$/, "found an invalid value.");
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
  // Client mistakes that Apollo and graphql-js report without a code of their own.
  if (
    code === "INTERNAL_SERVER_ERROR" &&
    /^(Unsupported persisted query version|provided sha does not match|Schema is not configured to execute|Too many errors processing variables)/i.test(
      formatted.message,
    )
  ) {
    return { message: formatted.message.split(/[.,]/)[0], extensions: { code: "BAD_REQUEST" } };
  }
  if (code === "OPERATION_RESOLUTION_FAILURE" || code === "PERSISTED_QUERY_NOT_SUPPORTED") {
    // These quote the operation name the client sent.
    return { message: "The request names no operation of this document", extensions: { code: "BAD_REQUEST" } };
  }
  if (original instanceof GraphQLError || code === "UNAUTHENTICATED" || code === "FORBIDDEN") {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
