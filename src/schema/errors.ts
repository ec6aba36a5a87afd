import {
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import { HeaderMap } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { AuthorizationError } from "type-graphql";
import { DomainError, RequestRefusal } from "../errors";

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

/**
 * Every name the schema itself defines, as graphql-js quotes them in its messages: types, fields,
 * arguments, input fields, enum values, `Type.field` coordinates and `@directives`.
 */
export function schemaNames(schema: GraphQLSchema): ReadonlySet<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    names.add(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        names.add(field.name);
        names.add(`${type.name}.${field.name}`);
        for (const arg of "args" in field ? field.args : []) names.add(arg.name);
      }
    }
    if (isEnumType(type)) for (const v of type.getValues()) names.add(v.name);
  }
  for (const d of schema.getDirectives()) {
    names.add(`@${d.name}`);
    for (const arg of d.args) names.add(arg.name);
  }
  return names;
}

/**
 * graphql-js quotes the document in its messages: field, fragment, variable and type names as typed,
 * enum literals (`Value "DROP_TABLE_client" does not exist in "ClientStatus" enum`). Every quoted
 * part that is not a name of the schema (bare, or as a type reference such as `[ClientStatus!]!`)
 * becomes `"…"`; what the schema names, suggestions included, stays.
 */
export function withoutInput(message: string, names: ReadonlySet<string>): string {
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (quoted: string, inner: string) =>
    names.has(inner.replace(/[[\]!]/g, "")) ? quoted : '"…"',
  );
}

/**
 * SPEC §11: a variable that does not coerce names where and why, for a form to show next to its field:
 * `fields: [{ path: ["i", "newLimit"], reason: "…" }]`. graphql-js puts the value itself in the message;
 * the path is taken from its ` at "i.a[0].b"` and kept only when every step is a schema name or an
 * index, and the reason is the inner error's message with every quoted input scrubbed.
 */
function variableFields(
  message: string,
  error: unknown,
  names: ReadonlySet<string>,
): { path: string[]; reason: string }[] | null {
  const head = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" /.exec(message);
  if (!head) return null;
  const variable = head[1];
  if (/ was not provided\.$/.test(message) && !/got invalid value/.test(message)) {
    return [{ path: [variable], reason: "A value is required" }];
  }
  const inner = (error as { originalError?: { message?: unknown } } | null)?.originalError?.message;
  const reasonText = typeof inner === "string" && message.endsWith(`; ${inner}`) ? inner : null;
  const prefix = reasonText === null ? message : message.slice(0, message.length - reasonText.length - 2);
  const at = / at "([A-Za-z0-9_.[\]]{1,300})"$/.exec(prefix);
  const steps = at ? at[1].split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "") : [variable];
  // A missing field is reported on its object: the form needs the field itself.
  const missing = reasonText === null ? null : /^Field "([A-Za-z_][A-Za-z0-9_]*)" of required type /.exec(reasonText);
  if (missing && names.has(missing[1])) steps.push(missing[1]);
  const known = steps.every((step, i) => (i === 0 ? step === variable : /^\d+$/.test(step) || names.has(step)));
  const reason = withoutInput(
    (reasonText ?? "Invalid value")
      .replace(/(cannot represent[^:]*): [\s\S]*/, "$1.")
      .replace(/; did you mean [\s\S]*$/i, "."),
    names,
  );
  return [{ path: known ? steps : [variable], reason }];
}

/** A parse error quotes the document around the fault: the code and the location say enough. */
const PARSE_FAILED = "Syntax Error: the document is not valid GraphQL.";

export function createFormatError(production: boolean, schema?: GraphQLSchema) {
  const names = schema ? schemaNames(schema) : new Set<string>();
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = formatError(formatted, error, names);
    // Field suggestions would map the schema for a stranger when introspection is off.
    return production ? { ...out, message: out.message.replace(/ Did you mean .*\?$/, "") } : out;
  };
}

export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  names: ReadonlySet<string> = new Set(),
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isDatabaseUnavailable(original)) {
    return {
      message: "The database is not reachable; try again shortly",
      path: formatted.path,
      extensions: { code: "SERVICE_UNAVAILABLE" },
    };
  }
  const domain = domainErrorOf(error);
  if (domain instanceof RequestRefusal) {
    return { message: domain.message, extensions: { code: domain.extensionCode, ...domain.extensions() } };
  }
  if (domain?.masked) return INTERNAL(formatted);
  if (domain) {
    return { message: domain.message, path: formatted.path, extensions: { code: domain.extensionCode } };
  }
  if (original instanceof AuthorizationError) {
    return { message: "You are not allowed to do this", path: formatted.path, extensions: { code: "FORBIDDEN" } };
  }
  const code = formatted.extensions?.code;
  if (code === "BAD_USER_INPUT" || code === "GRAPHQL_VALIDATION_FAILED" || code === "GRAPHQL_PARSE_FAILED") {
    // graphql-js quotes the offending value in coercion errors; input is never echoed back.
    const message =
      code === "GRAPHQL_PARSE_FAILED"
        ? PARSE_FAILED
        : withoutInput(
            formatted.message
              .replace(/got invalid value[\s\S]*/, "got an invalid value.")
              .replace(/(cannot represent[^:]*): [\s\S]*/, "$1.")
              .replace(/found [\s\S]*$/, "found an invalid value."),
            names,
          );
    const validation = formatted.extensions?.validationErrors as
      { property: string; constraints?: object }[] | undefined;
    const variable = code === "BAD_USER_INPUT" ? variableFields(formatted.message, error, names) : null;
    return {
      message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code,
        ...(validation
          ? { fields: validation.map((v) => ({ field: v.property, rules: Object.keys(v.constraints ?? {}) })) }
          : {}),
        ...(variable ? { fields: variable } : {}),
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
  return INTERNAL(formatted);
}

const INTERNAL = (formatted: GraphQLFormattedError): GraphQLFormattedError => ({
  message: "Internal server error",
  path: formatted.path,
  extensions: { code: "INTERNAL_SERVER_ERROR" },
});

/**
 * The domain error behind what Apollo reports: thrown by a resolver, or refusing the request from a
 * plugin (wrapped by requestRefusal, as Apollo takes a status only from a GraphQLError).
 */
export function domainErrorOf(error: unknown): DomainError | null {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original;
  if (original instanceof GraphQLError && original.originalError instanceof RequestRefusal) {
    return original.originalError;
  }
  return null;
}

/** A RequestRefusal as a plugin throws it: Apollo answers its HTTP status and headers (`extensions.http`). */
export function requestRefusal(err: RequestRefusal): GraphQLError {
  return new GraphQLError(err.message, {
    originalError: err,
    extensions: {
      code: err.extensionCode,
      ...err.extensions(),
      http: { status: err.httpStatus, headers: new HeaderMap(Object.entries(err.headers())) },
    },
  });
}
