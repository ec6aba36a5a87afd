import type { ObjectLiteral } from "typeorm";
import type Decimal from "decimal.js";
import { hydrate, likePrefix } from "../db/sql";
import { ClientEntity, PortraitEntity, RiskAssessmentEntity } from "../entities";
import type { ClientStatus, ClientType, CreditRating, RiskLevel } from "../domain/enums";
import type { BranchScope } from "../domain/scope";
import { checkFirst, decodeCursor, encodeCursor, type Page } from "../domain/paging";
import { countOf, scopeClause, Where, type PageArgs } from "./paging.reads";
import type { ReadPool } from "./read-pool";
import type { SqlPredicate } from "./segment-membership.sql";

export interface ClientListFilter {
  types?: ClientType[] | null;
  statuses?: ClientStatus[] | null;
  riskLevels?: RiskLevel[] | null;
  creditRatings?: CreditRating[] | null;
  minAvgDailyAssets?: Decimal | null;
  maxAvgDailyAssets?: Decimal | null;
  branch?: string | null;
  clientNoPrefix?: string | null;
}

/** Clients with what the same statement brought along. */
export interface ClientRows {
  rows: ClientEntity[];
  /** The latest portrait of each client that has one. */
  portraits: PortraitEntity[];
  /** Per client id: when its latest risk assessment lapses, null without one. */
  assessmentValidUntil: Map<number, Date | null>;
}

/** A page of clients with what the same statement brought along. */
export type ClientPage = Page<ClientEntity> & ClientRows;

export async function clientsByIds(db: ReadPool, ids: readonly number[], scope: BranchScope): Promise<ClientEntity[]> {
  if (ids.length === 0) return [];
  const where = new Where().inList("c.`id`", ids);
  scopeClause(where, scope, "c.`branch`");
  return db.rows(ClientEntity, `SELECT c.* FROM \`client\` c ${where.sql()}`, where.params);
}

/** One client by number, with its latest portrait and assessment validity (as a page brings them). */
export async function clientByNo(db: ReadPool, clientNo: string, scope: BranchScope): Promise<ClientRows> {
  const where = new Where().add("c.`clientNo` = ?", clientNo);
  scopeClause(where, scope, "c.`branch`");
  const { rows } = await clientsWithPortraits(db, "", where, 1);
  return rows;
}

/**
 * Clients (by clientNo, at most `limit`) with each one's latest portrait and when its latest risk
 * assessment lapses, in one statement; `more` tells whether a further row exists.
 */
async function clientsWithPortraits(
  db: ReadPool,
  join: string,
  where: Where,
  limit: number,
): Promise<{ rows: ClientRows; more: boolean }> {
  const ds = db.ds;
  const portraitColumns = ds.getMetadata(PortraitEntity).columns;
  const raw = (await ds.query(
    `SELECT c.*, ${portraitColumns.map((col) => `lp.\`${col.databaseName}\` AS \`p__${col.databaseName}\``).join(", ")},
       (SELECT ra.\`validUntil\` FROM \`risk_assessment\` ra WHERE ra.\`clientId\` = c.\`id\`
         ORDER BY ra.\`assessedAt\` DESC, ra.\`id\` DESC LIMIT 1) AS a__validUntil
     FROM \`client\` c ${join} LEFT JOIN \`portrait\` lp ON lp.\`id\` = c.\`latestPortraitId\`
     ${where.sql()} ORDER BY c.\`clientNo\` LIMIT ?`,
    [...where.params, limit + 1],
  )) as ObjectLiteral[];
  const kept = raw.slice(0, limit);
  const clients = hydrate(ds, ClientEntity, kept);
  const portraitRows: ObjectLiteral[] = [];
  for (const r of kept) {
    if (r.p__id === null || r.p__id === undefined) continue;
    const p: ObjectLiteral = {};
    for (const col of portraitColumns) p[col.databaseName] = r[`p__${col.databaseName}`];
    portraitRows.push(p);
  }
  const validUntilColumn = ds.getMetadata(RiskAssessmentEntity).findColumnWithPropertyName("validUntil")!;
  const assessmentValidUntil = new Map<number, Date | null>();
  clients.forEach((c, i) => {
    const v = kept[i].a__validUntil;
    assessmentValidUntil.set(
      c.id,
      v === null || v === undefined ? null : (ds.driver.prepareHydratedValue(v, validUntilColumn) as Date),
    );
  });
  return {
    rows: { rows: clients, portraits: hydrate(ds, PortraitEntity, portraitRows), assessmentValidUntil },
    more: raw.length > limit,
  };
}

/**
 * The WHERE and JOIN over `client c` (and `portrait p`, the latest one, when a criterion needs it)
 * for a filter, a scope and a segment's membership.
 */
export function clientWhere(
  filter: ClientListFilter | null | undefined,
  scope: BranchScope,
  membership: SqlPredicate | null,
): { where: Where; join: string } {
  const where = new Where();
  if (membership !== null) where.add(`(${membership.sql})`, ...membership.params);
  scopeClause(where, scope, "c.`branch`");
  const f = filter ?? {};
  where.inList("c.`type`", f.types);
  where.inList("c.`status`", f.statuses);
  if (f.branch !== null && f.branch !== undefined) where.add("c.`branch` = ?", f.branch);
  if (f.clientNoPrefix !== null && f.clientNoPrefix !== undefined && f.clientNoPrefix !== "") {
    where.add("c.`clientNo` LIKE ? ESCAPE '!'", likePrefix(f.clientNoPrefix));
  }
  const needsPortrait =
    membership !== null ||
    (f.riskLevels ?? null) !== null ||
    (f.creditRatings ?? null) !== null ||
    (f.minAvgDailyAssets ?? null) !== null ||
    (f.maxAvgDailyAssets ?? null) !== null;
  where.inList("p.`riskLevel`", f.riskLevels);
  where.inList("p.`creditRating`", f.creditRatings);
  if (f.minAvgDailyAssets) where.add("p.`avgDailyAssets20d` >= ?", f.minAvgDailyAssets.toFixed(2));
  if (f.maxAvgDailyAssets) where.add("p.`avgDailyAssets20d` < ?", f.maxAvgDailyAssets.toFixed(2));
  const join = needsPortrait ? "JOIN `portrait` p ON p.`id` = c.`latestPortraitId`" : "";
  return { where, join };
}

/**
 * Clients by clientNo, keyset-paged; `membership` restricts them to a segment's members. The same
 * statement brings each client's latest portrait and when its latest risk assessment lapses, so
 * a page with portraits and fits needs no further statement for them.
 */
export async function listClients(
  db: ReadPool,
  args: PageArgs,
  filter: ClientListFilter | null | undefined,
  scope: BranchScope,
  membership: SqlPredicate | null = null,
): Promise<ClientPage> {
  const first = checkFirst(args.first);
  const after = decodeCursor("client", args.after, 1);
  const { where, join } = clientWhere(filter, scope, membership);
  const total = countOf(db, `SELECT COUNT(*) AS n FROM \`client\` c ${join} ${where.sql()}`, where.params);
  if (after !== null) where.add("c.`clientNo` > ?", String(after[0]));
  const { rows, more } = await clientsWithPortraits(db, join, where, first);
  return {
    ...rows,
    hasNextPage: more,
    hasPreviousPage: after !== null,
    cursorOf: (c) => encodeCursor("client", [c.clientNo]),
    total,
  };
}
