import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputType,
  isListType,
  isObjectType,
  Kind,
  getVariableValues,
  typeFromAST,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Query cost, computed before execution, GitHub-style: the `first` of a connection (or of a list
 * field that takes one) multiplies everything beneath it; other lists count their bound (`ids` of
 * `nodes`, else a fixed default); every object a query can return counts as one node. Arguments are
 * read as execution will read them (SPEC §10): the request's variables, a variable's default where
 * the request gives none, an argument's default where neither does.
 */
export const MAX_DEPTH = 12;
export const MAX_ALIASES = 50;
/** The bound assumed for a list field without `first`: catalogues, facilities, fits and reasons are small. */
export const DEFAULT_LIST_BOUND = 20;

export interface QueryCost {
  requestedNodes: number;
  depth: number;
  aliases: number;
}

export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
): QueryCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName)) {
      operation ??= def;
    }
  }
  if (!operation) return { requestedNodes: 0, depth: 0, aliases: 0 };
  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return { requestedNodes: 0, depth: 0, aliases: 0 };

  let aliases = 0;
  let maxDepth = 0;
  const memo = new Map<string, { nodes: number; depth: number; aliases: number }>();

  const values = operationVariables(schema, operation, variables);

  const multiplierOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): number => {
    const type = getNullableType(field.type);
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, values);
    } catch {
      // Arguments that do not coerce fail the field before it fetches anything.
      return 1;
    }
    const first = args.first;
    if (typeof first === "number" && Number.isFinite(first)) return Math.max(first, 0);
    const ids = args.ids;
    if (Array.isArray(ids)) return ids.length;
    return isListType(type) ? DEFAULT_LIST_BOUND : 1;
  };

  // Returns the nodes under a selection set when its parent is fetched once.
  const walk = (type: GraphQLNamedType, selections: SelectionSetNode, depth: number, seen: Set<string>): number => {
    maxDepth = Math.max(maxDepth, depth);
    let total = 0;
    for (const sel of selections.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) aliases += 1;
        if (!isObjectType(type) && !("getFields" in type)) continue;
        const fields = (type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields();
        const field = fields[sel.name.value];
        if (!field || !sel.selectionSet) continue;
        const named = getNamedType(field.type);
        if (!isCompositeType(named)) continue;
        const below = walk(named, sel.selectionSet, depth + 1, seen);
        if (type.name.endsWith("Connection")) {
          // The connection's `first` already multiplied: each of its nodes/edges is one node; pageInfo is bookkeeping.
          total += sel.name.value === "pageInfo" ? 0 : 1 + below;
        } else if (type.name.endsWith("Edge")) {
          total += below; // the edge was counted as the node
        } else {
          const m = multiplierOf(field, sel);
          // A connection object itself is bookkeeping; what it holds is counted beneath it, m times.
          total += (named.name.endsWith("Connection") ? 0 : m) + m * below;
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? type) : type;
        total += walk(on, sel.selectionSet, depth, seen);
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue; // a fragment cycle is a validation error anyway
        // Each fragment is walked once and its figures reused: a document that spreads fragments
        // inside fragments cannot make the estimate itself exponential.
        let m = memo.get(name);
        if (!m) {
          const [savedDepth, savedAliases] = [maxDepth, aliases];
          maxDepth = 0;
          aliases = 0;
          const on = schema.getType(fragment.typeCondition.name.value) ?? type;
          const nodes = walk(on, fragment.selectionSet, 0, new Set([...seen, name]));
          m = { nodes, depth: maxDepth, aliases };
          memo.set(name, m);
          [maxDepth, aliases] = [savedDepth, savedAliases];
        }
        maxDepth = Math.max(maxDepth, depth + m.depth);
        aliases += m.aliases;
        total += m.nodes;
      }
    }
    return total;
  };

  const requestedNodes = walk(root, operation.selectionSet, 1, new Set());
  return { requestedNodes, depth: maxDepth, aliases };
}

/**
 * The variables execution will see: the request's, coerced, with each definition's default where the
 * request gives none. Variables that do not coerce stop the request before execution; the estimate
 * then goes on with what it can read (the request's values as sent, the defaults).
 */
function operationVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.length === 0) return {};
  const coerced = getVariableValues(schema, definitions, given, { maxErrors: 1 });
  if (coerced.coerced) return coerced.coerced;
  const out: Record<string, unknown> = {};
  for (const def of definitions) {
    const name = def.variable.name.value;
    if (Object.prototype.hasOwnProperty.call(given, name)) out[name] = given[name];
    else if (def.defaultValue) {
      const type = typeFromAST(schema, def.type);
      if (type && isInputType(type)) out[name] = valueFromAST(def.defaultValue, type);
    }
  }
  return out;
}
