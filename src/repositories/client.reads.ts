import type { ObjectLiteral } from "typeorm";
import type Decimal from "decimal.js";
import { hydrate, likePrefix } from "../db/sql";
import { ClientEntity, PortraitEntity, RiskAssessmentEntity } from "../entities";
import type { ClientStatus, ClientType, CreditRating, RiskLevel } from "../domain/enums";
import type { BranchScope } from "../domain/scope";
import { checkFirst, type Page } from "../domain/paging";
import { ClientOrderField, type ListOrder } from "../domain/order";
import { branchCondition } from "./scope.sql";
import { addKeysetAfter, cursorOf, decodePosition, keysetOrder, orderBySql, type SortKey } from "./order.reads";
import { countOf, scopeClause, Where, type PageArgs } from "./paging.reads";
import type { ReadPool } from "./read-pool";
import type { SqlPredicate } from "./segment-membership.sql";
import { idNumberIndex, open, phoneIndex } from "../crypto/personal-data";

export interface ClientListFilter {
  types?: ClientType[] | null;
  statuses?: ClientStatus[] | null;
  riskLevels?: RiskLevel[] | null;
  creditRatings?: CreditRating[] | null;
  minAvgDailyAssets?: Decimal | null;
  maxAvgDailyAssets?: Decimal | null;
  branch?: string | null;
  clientNoPrefix?: string | null;
  /** A clientNo prefix; where `personalData` admits the client also a name prefix, an exact ID number or phone. */
  search?: string | null;
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

/**
 * The columns a page reads of each client and of its latest portrait (a planned page's, which knows
 * its selection: resolvers/planned/); null reads them all. Rows read so are partial entities, for the
 * caller that asked for them only.
 */
export interface ClientColumns {
  client: readonly string[];
  portrait: readonly string[];
}

export async function clientsByIds(db: ReadPool, ids: readonly number[], scope: BranchScope): Promise<ClientEntity[]> {
  if (ids.length === 0) return [];
  const where = new Where().inList("c.`id`", ids);
  scopeClause(where, scope, "c.`branch`");
  return db.rows(ClientEntity, `SELECT c.* FROM \`client\` c ${where.sql()}`, where.params);
}

/**
 * One client by number or by id, with its latest portrait and assessment validity (as a page brings
 * them), under the same scope rule as clientsByIds (the client loader's): no row outside the scope.
 * `columns` narrows what its row reads (a planned `client`: resolvers/planned/).
 */
export async function oneClient(
  db: ReadPool,
  by: { clientNo: string } | { id: number },
  scope: BranchScope,
  columns: ClientColumns | null = null,
): Promise<ClientRows> {
  const key = "id" in by ? "c.`id`" : "c.`clientNo`";
  const where = new Where().add(`${key} = ?`, "id" in by ? by.id : by.clientNo);
  scopeClause(where, scope, "c.`branch`");
  const { rows } = await clientsWithPortraits(db, "", where, key, 1, columns);
  return rows;
}

/**
 * Clients (in `orderSql`, at most `limit`) with each one's latest portrait and when its latest risk
 * assessment lapses, in one statement; `more` tells whether a further row exists.
 */
async function clientsWithPortraits(
  db: ReadPool,
  join: string,
  where: Where,
  orderSql: string,
  limit: number,
  columns: ClientColumns | null = null,
): Promise<{ rows: ClientRows; more: boolean }> {
  const ds = db.ds;
  const portraitColumns = ds
    .getMetadata(PortraitEntity)
    .columns.filter((col) => columns === null || columns.portrait.includes(col.databaseName));
  const clientColumns = columns === null ? "c.*" : columns.client.map((col) => `c.\`${col}\``).join(", ");
  const raw = (await ds.query(
    `SELECT ${clientColumns}, ${portraitColumns.map((col) => `lp.\`${col.databaseName}\` AS \`p__${col.databaseName}\``).join(", ")},
       (SELECT ra.\`validUntil\` FROM \`risk_assessment\` ra WHERE ra.\`clientId\` = c.\`id\`
         ORDER BY ra.\`assessedAt\` DESC, ra.\`id\` DESC LIMIT 1) AS a__validUntil
     FROM \`client\` c ${join} LEFT JOIN \`portrait\` lp ON lp.\`id\` = c.\`latestPortraitId\`
     ${where.sql()} ORDER BY ${orderSql} LIMIT ?`,
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
  personalData: BranchScope = NO_PERSONAL_DATA,
  nameMatches: readonly number[] = [],
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
  if (f.search !== null && f.search !== undefined && f.search !== "")
    searchClause(where, f.search, personalData, nameMatches);
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

/** No client's personal data: a search matches clientNo prefixes only. */
const NO_PERSONAL_DATA: BranchScope = { all: false, branch: null };

/**
 * SPEC §11 search: a clientNo prefix for every viewer; name prefix, exact ID number or exact phone only
 * among the clients whose personal data the viewer reads (`personalData`, a scope like the branch
 * scope), so a viewer who may not read them gets the answer of a search that matches nothing.
 * Personal data is sealed (SPEC §14): the ID number and phone match by blind index, the name prefix
 * by the ids `namePrefixMatches` found among the names it opened.
 */
function searchClause(where: Where, search: string, personalData: BranchScope, nameMatches: readonly number[]): void {
  const byNo = "c.`clientNo` LIKE ? ESCAPE '!'";
  const prefix = likePrefix(search);
  const readable = branchCondition(personalData, "c.`branch`");
  if (readable !== null && readable.sql === "1 = 0") {
    where.add(byNo, prefix);
    return;
  }
  // Ids are integers the service itself read: inlined, so a long list needs no bound parameters.
  const byName =
    nameMatches.length === 0 ? "1 = 0" : `c.\`id\` IN (${nameMatches.map((id) => Math.trunc(id)).join(", ")})`;
  const personal = `(${byName} OR c.\`idNumberBlindIndex\` = ? OR c.\`phoneBlindIndex\` = ?)`;
  const params = [idNumberIndex(search), phoneIndex(search)];
  if (readable === null) where.add(`(${byNo} OR ${personal})`, prefix, ...params);
  else where.add(`(${byNo} OR (${readable.sql} AND ${personal}))`, prefix, ...readable.params, ...params);
}

/** Client orders. Average assets and credit score are the latest portrait's: null without one. */
function clientKeys(
  portraitOf: (c: ClientEntity) => PortraitEntity | undefined,
): Record<ClientOrderField, SortKey<ClientEntity>> {
  return {
    [ClientOrderField.CLIENT_NO]: {
      sql: "c.`clientNo`",
      kind: "text",
      nullable: false,
      unique: true,
      valueOf: (c) => c.clientNo,
    },
    [ClientOrderField.OPENED_AT]: { sql: "c.`openedAt`", kind: "date", nullable: false, valueOf: (c) => c.openedAt },
    [ClientOrderField.AVG_DAILY_ASSETS]: {
      sql: "lp.`avgDailyAssets20d`",
      kind: "money",
      nullable: true,
      valueOf: (c) => portraitOf(c)?.avgDailyAssets20d.toFixed(2) ?? null,
    },
    [ClientOrderField.CREDIT_SCORE]: {
      sql: "lp.`creditScore`",
      kind: "int",
      nullable: true,
      valueOf: (c) => portraitOf(c)?.creditScore ?? null,
    },
  };
}

/**
 * Clients by clientNo (or `orderBy`), keyset-paged; `membership` restricts them to a segment's members. The same
 * statement brings each client's latest portrait and when its latest risk assessment lapses, so
 * a page with portraits and fits needs no further statement for them.
 */
export async function listClients(
  db: ReadPool,
  args: PageArgs,
  filter: ClientListFilter | null | undefined,
  scope: BranchScope,
  membership: SqlPredicate | null = null,
  orderBy: ListOrder<ClientOrderField> | null = null,
  personalData: BranchScope = NO_PERSONAL_DATA,
  columns: ClientColumns | null = null,
): Promise<ClientPage> {
  const first = checkFirst(args.first);
  const portraits = new Map<number, PortraitEntity>();
  const keys = clientKeys((c) => (c.latestPortraitId === null ? undefined : portraits.get(c.latestPortraitId)));
  const order = keysetOrder("client", keys, "c.`id`", (c) => c.id, ClientOrderField.CLIENT_NO, orderBy);
  const after = decodePosition(order, args.after);
  const search = filter?.search ?? "";
  const nameMatches =
    search === "" ? [] : await namePrefixMatches(db, search, scope, personalData, filter?.branch ?? null);
  const { where, join } = clientWhere(filter, scope, membership, personalData, nameMatches);
  const total = countOf(db, `SELECT COUNT(*) AS n FROM \`client\` c ${join} ${where.sql()}`, where.params);
  addKeysetAfter(where, order, after);
  const { rows, more } = await clientsWithPortraits(db, join, where, orderBySql(order), first, columns);
  for (const p of rows.portraits) portraits.set(p.id, p);
  return {
    ...rows,
    hasNextPage: more,
    hasPreviousPage: after !== null,
    cursorOf: (c) => cursorOf(order, c),
    total,
  };
}

/**
 * SPEC §11 name-prefix search over sealed names (SPEC §14): the names of the clients the viewer may
 * both list (`scope`) and read in clear (`personalData`), narrowed to the filter's branch when given,
 * are read and opened in the process, and the ids whose name starts with `search` (case-insensitively,
 * as the collation compared before) come back. One pass over those clients per search: a branch's
 * clients for a relationship manager, the whole book for COMPLIANCE (README: "Personal data at rest").
 */
export async function namePrefixMatches(
  db: ReadPool,
  search: string,
  scope: BranchScope,
  personalData: BranchScope,
  branch: string | null,
): Promise<number[]> {
  const readable = branchCondition(personalData, "c.`branch`");
  if (readable !== null && readable.sql === "1 = 0") return [];
  const where = new Where();
  scopeClause(where, scope, "c.`branch`");
  if (readable !== null) where.add(readable.sql, ...readable.params);
  if (branch !== null) where.add("c.`branch` = ?", branch);
  const needle = search.toLowerCase();
  const rows = await db.query<{ id: unknown; name: string }>(
    `SELECT c.\`id\`, c.\`name\` FROM \`client\` c ${where.sql()}`,
    where.params,
  );
  const out: number[] = [];
  for (const r of rows) if (open(r.name).toLowerCase().startsWith(needle)) out.push(Number(r.id));
  return out;
}
