import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from "graphql";
import { MAX_PAGE } from "../../domain/paging";
import type { ClientColumns } from "../../services/read/read-service";
import {
  CLIENT_FIELDS,
  PORTRAIT_FIELDS,
  REVIEW_FIELDS,
  type ClientField,
  type PortraitField,
  type ReviewField,
} from "../../schema/presenters";
import { allPlainData, collectPicks, subSets, type Fragments, type Pick, type Picks } from "./selection";

/**
 * What a page of clients is asked for, read once per document from its selection set: the client
 * fields computed from the row, and the nested fields (each with a resolver of its own when asked
 * field by field) the plan serves from one batch per kind. Null — answer field by field — as soon as
 * anything under a node is a field this plan does not know.
 */
export interface ClientPagePlan {
  /** Client fields by name (an alias reads the same property). */
  fields: ClientField[];
  /** Nested fields by response key: each alias has its own arguments and value. */
  nested: NestedPick[];
  /** The columns the page's statement reads of each client and its latest portrait. */
  columns: ClientColumns;
}

export type NestedKind =
  "portrait" | "segment" | "segmentFits" | "productFits" | "reviews" | "alerts" | "facilities" | "riskAssessment";

export interface NestedPick {
  kind: NestedKind;
  pick: Pick;
  /** For `portrait`: its fields by name. */
  portraitFields: PortraitField[];
  /** For `reviews`: the review fields under `nodes` and `edges { node }`, by name. */
  reviewFields: ReviewField[];
}

const NESTED: readonly string[] = [
  "portrait",
  "segment",
  "segmentFits",
  "productFits",
  "reviews",
  "alerts",
  "facilities",
  "riskAssessment",
] satisfies NestedKind[];

const plans = new WeakMap<FieldNode, ClientPagePlan | null>();

/** The plan of a client connection field (`clients`, `Segment.members`), cached per document. */
export function planOf(info: GraphQLResolveInfo): ClientPagePlan | null {
  return cachedPlan(info, planConnection);
}

/**
 * The plan of a field that answers one client (`client`), cached per document: the same plan as a
 * page's node, of the field's own selection sets.
 */
export function planOfClient(info: GraphQLResolveInfo): ClientPagePlan | null {
  return cachedPlan(info, planOne);
}

function cachedPlan(
  info: GraphQLResolveInfo,
  planner: (info: GraphQLResolveInfo) => ClientPagePlan | null,
): ClientPagePlan | null {
  const key = info.fieldNodes[0];
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = planner(info);
    plans.set(key, plan);
  }
  return plan;
}

function planOne(info: GraphQLResolveInfo): ClientPagePlan | null {
  const clientType = getNamedType(info.returnType);
  if (!isObjectType(clientType)) return null;
  const picks = collectPicks(clientType, subSets(info.fieldNodes), info.fragments);
  return picks === null ? null : planClient(picks);
}

function planConnection(info: GraphQLResolveInfo): ClientPagePlan | null {
  const connection = getNamedType(info.returnType);
  if (!isObjectType(connection)) return null;
  const picks = collectPicks(connection, subSets(info.fieldNodes), info.fragments);
  if (picks === null) return null;
  const nodeSets = nodeSelections(picks);
  const clientType = nodeType(connection);
  if (nodeSets === null || clientType === null) return null;
  const clientPicks = collectPicks(clientType, nodeSets, info.fragments as Fragments);
  return clientPicks === null ? null : planClient(clientPicks);
}

/** The selection sets that ask for nodes, through `nodes` and `edges { node }`; null on anything else. */
function nodeSelections(picks: Picks): SelectionSetNode[] | null {
  const sets: SelectionSetNode[] = [];
  for (const pick of picks.values()) {
    if (pick.name === "nodes") sets.push(...subSets(pick.nodes));
    else if (pick.name === "edges") {
      for (const edgePick of pick.children?.values() ?? []) {
        if (edgePick.name === "node") sets.push(...subSets(edgePick.nodes));
        else if (edgePick.name !== "cursor" && edgePick.name !== "__typename") return null;
      }
    } else if (!CONNECTION_FIELDS.includes(pick.name)) return null;
  }
  return sets;
}

function nodeType(connection: GraphQLObjectType): GraphQLObjectType | null {
  const nodes = connection.getFields().nodes;
  const type = nodes === undefined ? null : getNamedType(nodes.type);
  return isObjectType(type) ? type : null;
}

function planClient(picks: Picks): ClientPagePlan | null {
  const fields = new Set<ClientField>();
  const nested: NestedPick[] = [];
  for (const pick of picks.values()) {
    if (pick.name === "__typename") continue;
    if (pick.name in CLIENT_FIELDS && pick.def.resolve === undefined) {
      fields.add(pick.name as ClientField);
      continue;
    }
    if (!NESTED.includes(pick.name)) return null;
    const kind = pick.name as NestedKind;
    const portraitFields = kind === "portrait" ? portraitFieldsOf(pick.children) : [];
    const reviewFields = kind === "reviews" ? reviewFieldsOf(pick.children) : [];
    if (portraitFields === null || reviewFields === null) return null;
    if (kind !== "portrait" && !allPlainData(pick.children)) return null;
    nested.push({ kind, pick, portraitFields, reviewFields });
  }
  const portraitFields = nested.flatMap((n) => n.portraitFields);
  return {
    fields: [...fields],
    nested,
    columns: {
      client: [...new Set([...CLIENT_COLUMNS, ...fields])],
      portrait: [...new Set([...PORTRAIT_COLUMNS, ...portraitFields])],
    },
  };
}

/**
 * Columns every planned page reads, whatever is selected: the keys, the branch the policy decides by,
 * the cursors' sort keys (clientNo, openedAt, the portrait's average assets and credit score) and the
 * fit subject (subjectOf). Each selected client or portrait field adds its own column, of its name.
 */
const CLIENT_COLUMNS = [
  "id",
  "clientNo",
  "branch",
  "latestPortraitId",
  "openedAt",
  "type",
  "status",
  "investorCategory",
];
const PORTRAIT_COLUMNS = [
  "id",
  "clientId",
  "avgDailyAssets20d",
  "creditScore",
  "riskLevel",
  "lowestCategory",
  "horizon",
  "experienceMonths",
  "creditRating",
];

function portraitFieldsOf(picks: Picks | null): PortraitField[] | null {
  const fields = new Set<PortraitField>();
  for (const pick of picks?.values() ?? []) {
    if (pick.name === "__typename") continue;
    if (!(pick.name in PORTRAIT_FIELDS) || pick.def.resolve !== undefined || !allPlainData(pick.children)) return null;
    fields.add(pick.name as PortraitField);
  }
  return [...fields];
}

/** The review fields a reviews connection asks of its nodes; null on a field the plan does not know. */
function reviewFieldsOf(picks: Picks | null): ReviewField[] | null {
  const fields = new Set<ReviewField>();
  const add = (node: Picks | null): boolean => {
    for (const pick of node?.values() ?? []) {
      if (pick.name === "__typename") continue;
      if (!(pick.name in REVIEW_FIELDS) || pick.def.resolve !== undefined) return false;
      fields.add(pick.name as ReviewField);
    }
    return true;
  };
  for (const pick of picks?.values() ?? []) {
    if (pick.name === "nodes") {
      if (!add(pick.children)) return null;
    } else if (pick.name === "edges") {
      for (const edgePick of pick.children?.values() ?? []) {
        if (edgePick.name === "node") {
          if (!add(edgePick.children)) return null;
        } else if (edgePick.name !== "cursor" && edgePick.name !== "__typename") return null;
      }
    } else if (!CONNECTION_FIELDS.includes(pick.name)) return null;
  }
  return [...fields];
}

/** A connection's own fields besides its nodes, served by the connection object (toConnection). */
const CONNECTION_FIELDS: readonly string[] = ["pageInfo", "totalCount", "__typename"];

/**
 * The columns a planned reviews page reads: the keys and the creation order its cursors and
 * per-client grouping need, and each selected field's own.
 */
export function reviewColumns(fields: readonly ReviewField[]): string[] {
  return [...new Set(["id", "clientId", "createdAt", ...fields])];
}

/** A nested pick's arguments in this request; null when the planner leaves them to the field resolver. */
export interface NestedArgs {
  first: number;
  /** productFits */
  eligibleOnly: boolean;
  /** reviews */
  status: string | null;
  /** alerts */
  openOnly: boolean;
}

const PAGED: readonly NestedKind[] = ["productFits", "reviews", "alerts"];

/**
 * The arguments of a nested field for this request's variables. Arguments the field resolver would
 * refuse (a page size out of range) or that page past a cursor are left to it: null, and the page is
 * answered field by field, with the same errors as always.
 */
export function nestedArgs(nested: NestedPick, variables: Record<string, unknown>): NestedArgs | null {
  if (!PAGED.includes(nested.kind)) return { first: 0, eligibleOnly: false, status: null, openOnly: true };
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(nested.pick.def, nested.pick.nodes[0], variables);
  } catch {
    return null;
  }
  const first = args.first;
  if (typeof first !== "number" || !Number.isInteger(first) || first < 1 || first > MAX_PAGE) return null;
  if (args.after !== undefined && args.after !== null) return null;
  return {
    first,
    eligibleOnly: args.eligibleOnly === true,
    status: typeof args.status === "string" ? args.status : null,
    openOnly: args.openOnly !== false,
  };
}
