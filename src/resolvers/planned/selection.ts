import {
  isInterfaceType,
  isObjectType,
  getNamedType,
  Kind,
  print,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type SelectionSetNode,
} from "graphql";

/**
 * The fields a selection set asks of one object type, merged by response key across fragments,
 * inline fragments and repeated fields, as the executor merges them. Built once per document (the
 * callers cache it by field node); argument values are read per request from the field nodes.
 */
export interface Pick {
  /** The response key: the alias, or the field's name. */
  key: string;
  name: string;
  def: GraphQLField<unknown, unknown>;
  /** Every node merged under this key (same field, same arguments). */
  nodes: FieldNode[];
  /** What the field's object type is asked for; null for a leaf. */
  children: Picks | null;
}

export type Picks = Map<string, Pick>;

/** The document's fragments by name, as the resolve info carries them. */
export type Fragments = Record<string, FragmentDefinitionNode>;

/**
 * The picks of `type` under the selection sets, or null when the planner should not plan them: a
 * directive anywhere (`@include`/`@skip` depend on variables), a fragment on an abstract type it does
 * not resolve, a response key used for two different fields or arguments (refused by validation
 * within one parent, possible across `nodes` and `edges.node`), or a field on an abstract type.
 */
export function collectPicks(
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  fragments: Fragments,
): Picks | null {
  const picks: Picks = new Map();
  const fields = type.getFields();
  const applies = (condition: string | undefined) =>
    condition === undefined || condition === type.name || type.getInterfaces().some((i) => i.name === condition);

  const visit = (set: SelectionSetNode): boolean => {
    for (const selection of set.selections) {
      if ((selection.directives?.length ?? 0) > 0) return false;
      if (selection.kind === Kind.FIELD) {
        if (!addField(selection)) return false;
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      if (fragment === undefined || (fragment.directives?.length ?? 0) > 0) return false;
      if (!applies(fragment.typeCondition?.name.value)) return false;
      if (!visit(fragment.selectionSet)) return false;
    }
    return true;
  };

  const addField = (node: FieldNode): boolean => {
    const name = node.name.value;
    const key = node.alias?.value ?? name;
    if (name === "__typename") {
      picks.set(key, picks.get(key) ?? { key, name, def: TYPENAME, nodes: [node], children: null });
      return picks.get(key)!.name === name;
    }
    const def = fields[name];
    if (def === undefined) return false;
    const known = picks.get(key);
    if (known === undefined) {
      picks.set(key, { key, name, def, nodes: [node], children: null });
      return true;
    }
    if (known.name !== name || argumentsOf(known.nodes[0]) !== argumentsOf(node)) return false;
    known.nodes.push(node);
    return true;
  };

  for (const set of sets) if (!visit(set)) return null;
  for (const pick of picks.values()) {
    const named = getNamedType(pick.def.type);
    if (pick.name === "__typename" || !(isObjectType(named) || isInterfaceType(named))) continue;
    if (!isObjectType(named)) return null;
    const children = collectPicks(named, subSets(pick.nodes), fragments);
    if (children === null) return null;
    pick.children = children;
  }
  return picks;
}

/** The selection sets of a field's merged nodes. */
export function subSets(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((n) => (n.selectionSet === undefined ? [] : [n.selectionSet]));
}

/**
 * Whether every field under the picks resolves by reading a property (no resolver of its own): such a
 * subtree is served from the presented object as it is, whatever of it is selected. A connection's
 * `totalCount` is a method of the presented connection itself (toConnection), so it counts as data.
 */
export function allPlainData(picks: Picks | null): boolean {
  if (picks === null) return true;
  for (const pick of picks.values()) {
    if (pick.name === "__typename") continue;
    if (pick.def.resolve !== undefined && pick.name !== "totalCount") return false;
    if (!allPlainData(pick.children)) return false;
  }
  return true;
}

const argumentsOf = (node: FieldNode) => (node.arguments ?? []).map((a) => print(a)).join(",");

/** `__typename` is answered by the executor, on any type. */
const TYPENAME = { name: "__typename" } as GraphQLField<unknown, unknown>;
