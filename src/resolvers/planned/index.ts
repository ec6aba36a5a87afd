import type { GraphQLResolveInfo } from "graphql";
import { primeClientRows } from "../../loaders";
import type { Context } from "../../schema/context";
import { presentClient } from "../../schema/presenters";
import { ClientConnection, type ClientGql } from "../../schema/types/client";
import { toConnection } from "../../schema/types/connection";
import type { ClientPage } from "../../services/read/read-service";
import { plannedNodes, plannedPage, type PlannedPage } from "./nodes";
import { planOf } from "./plan";

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
