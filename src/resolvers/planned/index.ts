import type { GraphQLResolveInfo } from "graphql";
import type { ClientPage } from "../../services/read/read-service";
import { primeClientRows } from "../../loaders";
import type { Context } from "../../schema/context";
import { presentClient } from "../../schema/presenters";
import { ClientConnection, type ClientGql } from "../../schema/types/client";
import { toConnection } from "../../schema/types/connection";
import { plannedNodes } from "./nodes";
import { planOf } from "./plan";

export { servePlannedClients } from "./serve";

/**
 * A page of clients as a connection (`clients`, `Segment.members`): planned in one pass when the
 * planner is on and knows every field asked under a node (resolvers/planned/), else presented client
 * by client for the field resolvers, as before. Both answer the same JSON and note the same trail.
 */
export async function clientConnection(
  ctx: Context,
  info: GraphQLResolveInfo,
  page: ClientPage,
): Promise<ClientConnection> {
  primeClientRows(ctx.loaders, page);
  const plan = ctx.services.config.readPlanner ? planOf(info) : null;
  const nodes = plan === null ? null : await plannedNodes(ctx, plan, page.rows, info.variableValues);
  if (nodes === null) return toConnection(ClientConnection, page, (c) => presentClient(c, ctx));
  ctx.meta.plannedPages = (ctx.meta.plannedPages ?? 0) + 1;
  const byRow = new Map(page.rows.map((c, i) => [c, nodes[i] as unknown as ClientGql]));
  return toConnection(ClientConnection, page, (c) => byRow.get(c)!);
}
