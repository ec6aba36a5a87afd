import type { GatewayInterface } from "@apollo/server-gateway-interface";
import {
  execute,
  getNamedType,
  GraphQLError,
  isScalarType,
  Kind,
  specifiedScalarTypes,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

/**
 * graphql-jit behind Apollo: each validated document is compiled once into a JavaScript function
 * (kept in a bounded cache keyed by its hash and operation), which then runs the same resolvers as
 * graphql-js without re-walking the document for every object of a page. Apollo still parses,
 * validates, runs the cost rule and formats errors; only execution changes. Apollo's documented
 * hook for a custom executor is the gateway interface, whose `load` hands over schema and executor.
 */

export interface JitExecutor {
  gateway: GatewayInterface;
  /** Documents compiled so far, requests graphql-js executed instead, documents in the cache. */
  stats(): { compiled: number; fallbacks: number; cached: number };
}

type Compiled = CompiledQuery | null;

export function jitGateway(schema: GraphQLSchema, cacheSize = 500): JitExecutor {
  const cache = new Map<string, Compiled>();
  let compiled = 0;
  let fallbacks = 0;

  function compiledFor(key: string, document: DocumentNode, operationName: string | undefined): Compiled {
    const hit = cache.get(key);
    if (hit !== undefined) {
      // Least recently used goes first: re-inserting moves the key to the end.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const result = jitSafe(schema, document, operationName)
      ? compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true })
      : null;
    const entry = result !== null && isCompiledQuery(result) ? result : null;
    if (entry !== null) compiled += 1;
    cache.set(key, entry);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return entry;
  }

  const gateway: GatewayInterface = {
    async load() {
      return {
        executor: async (request) => {
          const { document, queryHash, context } = request;
          // The operation the client asked for (request.operationName is the one Apollo resolved,
          // null when the asked-for name does not exist: graphql-js must then report it).
          const operationName = request.request.operationName ?? undefined;
          const variables = request.request.variables ?? {};
          const query = compiledFor(`${queryHash}:${operationName ?? ""}`, document, operationName);
          const result =
            query === null ? null : ((await query.query(undefined, context, variables)) as ExecutionResult);
          // No data at all: the request failed before execution (variables that do not coerce);
          // graphql-js words those errors the way Apollo recognises as BAD_USER_INPUT.
          if (result === null || !("data" in result) || result.data === undefined) {
            fallbacks += 1;
            return (await execute({
              schema,
              document,
              operationName,
              contextValue: context,
              variableValues: variables,
            })) as ExecutionResult;
          }
          return result.errors === undefined ? result : { ...result, errors: result.errors.map(asGraphQLError) };
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    async stop() {
      cache.clear();
    },
  };
  return { gateway, stats: () => ({ compiled, fallbacks, cached: cache.size }) };
}

const BUILT_IN_SCALARS = new Set(specifiedScalarTypes.map((t) => t.name));

/**
 * Which documents graphql-jit may run: queries only (mutations stay with graphql-js, serial and
 * off the hot path), and none with a literal argument of a custom scalar — graphql-jit writes
 * literal arguments into the compiled code as JSON, which would turn a parsed Decimal or Date
 * back into a string. Variables are parsed at run time and are safe.
 */
export function jitSafe(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): boolean {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operationName === null || operationName === undefined
      ? operations[0]
      : operations.find((o) => o.name?.value === operationName);
  if (operation === undefined || operation.operation !== "query") return false;
  const typeInfo = new TypeInfo(schema);
  let safe = true;
  const leaf = () => {
    const type = typeInfo.getInputType();
    const named = type === null || type === undefined ? null : getNamedType(type);
    if (named !== null && isScalarType(named) && !BUILT_IN_SCALARS.has(named.name)) safe = false;
    return false;
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue: leaf,
      IntValue: leaf,
      FloatValue: leaf,
      BooleanValue: leaf,
    }),
  );
  return safe;
}

/**
 * graphql-jit reports a resolver's error either as its own error object (a GraphQLError look-alike
 * without `extensions`, which Apollo's error normalisation reads) or as the thrown error itself
 * with `path` and `locations` attached. Rebuild each as graphql-js would have: a GraphQLError with
 * the path, the locations and the thrown error as `originalError`, so the one error mapping sees
 * the domain error inside.
 */
type JitError = Error & {
  path?: readonly (string | number)[];
  locations?: readonly SourceLocation[];
  originalError?: Error | null;
  extensions?: Record<string, unknown>;
};

function asGraphQLError(error: JitError): GraphQLError {
  const original = error instanceof GraphQLError ? (error.originalError ?? undefined) : error;
  const wrapped = new GraphQLError(error.message, {
    originalError: original,
    path: error.path,
    extensions: error instanceof GraphQLError ? error.extensions : undefined,
  });
  if (error.locations !== undefined) {
    Object.defineProperty(wrapped, "locations", { value: error.locations, enumerable: true });
  }
  return wrapped;
}
