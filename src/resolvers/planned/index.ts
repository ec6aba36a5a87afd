import type { GraphQLResolveInfo } from "graphql";
import { primeClientRows } from "../../loaders";
import type { Context } from "../../schema/context";
import { presentClient } from "../../schema/presenters";
import { ClientConnection, type ClientGql } from "../../schema/types/client";
import { toConnection } from "../../schema/types/connection";
import type { ClientPage } from "../../services/read/read-service";
import { plannedNodes, plannedPage, type PlannedPage } from "./nodes";
import { planOf, planOfClient } from "./plan";

export { servePlannedClients } from "./serve";
export type { PlannedPage };

/**
 * The plan of a client page (`clients`, `Segment.members`) for this request: null when the planner
 * is off, or does not know every field asked under a node, or leaves a nested field's arguments to
 * its resolver; the page is then read and presented field by field, as before.
 */
export function planClientPage(ctx: Context, info: GraphQLResolveInfo): PlannedPage | null {
  if (!ctx.services.config.readPlanner) return null;
  const plan = planOf(info);
  return plan && plannedPage(plan, info.variableValues);
}

/**
 * The plan of one client (`client(id | clientNo)`) for this request, as a page's node is planned;
 * null as for a page, and the client is then read and presented field by field.
 */
export function planOneClient(ctx: Context, info: GraphQLResolveInfo): PlannedPage | null {
  if (!ctx.services.config.readPlanner) return null;
  const plan = planOfClient(info);
  return plan && plannedPage(plan, info.variableValues);
}

/**
 * Which client `client` asks for: by id (null for an ID of another type; `clientNo`, when also given,
 * must equal its number), or by number (as the statement compares it, in the column's collation).
 */
export type OneClient = { by: "id"; id: number | null; clientNo: string | null } | { by: "clientNo"; clientNo: string };

/**
 * One planned client, read with the plan's columns only (so not primed into the loaders) by id under
 * the client loader's scope rule, or by number, and built as a planned page's node. Null when it does
 * not exist or is outside the viewer's scope, as field by field.
 */
export async function readPlannedClient(
  ctx: Context,
  planned: PlannedPage,
  which: OneClient,
): Promise<ClientGql | null> {
  const { reads } = ctx.services;
  const { columns } = planned.plan;
  ctx.meta.plannedPages = (ctx.meta.plannedPages ?? 0) + 1;
  if (which.by === "id" && which.id === null) return null;
  const by = which.by === "id" ? { id: which.id! } : { clientNo: which.clientNo };
  const found = await reads.oneClient(by, ctx.scope, columns);
  const c = found.rows[0];
  if (c === undefined || (which.by === "id" && which.clientNo !== null && c.clientNo !== which.clientNo)) return null;
  const [node] = await plannedNodes(ctx, planned, found);
  return node as unknown as ClientGql;
}

/**
 * A page of clients as a connection: planned in one pass (its rows read with the plan's columns
 * only, so they are not primed into the loaders), or presented client by client for the field
 * resolvers. Both answer the same JSON and note the same trail.
 */
export async function clientConnection(
  ctx: Context,
  page: ClientPage,
  planned: PlannedPage | null,
): Promise<ClientConnection> {
  if (planned === null) {
    primeClientRows(ctx.loaders, page);
    return toConnection(ClientConnection, page, (c) => presentClient(c, ctx));
  }
  const nodes = await plannedNodes(ctx, planned, page);
  ctx.meta.plannedPages = (ctx.meta.plannedPages ?? 0) + 1;
  const byRow = new Map(page.rows.map((c, i) => [c, nodes[i] as unknown as ClientGql]));
  return toConnection(ClientConnection, page, (c) => byRow.get(c)!);
}
