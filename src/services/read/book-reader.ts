import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import DecimalValue from "decimal.js";
import type Decimal from "decimal.js";
import type { SqlPredicate } from "./segment-sql";
import { IN_FORCE, LIMIT_HOLDING } from "../../domain/facility-status";
import { BadInputError } from "../../errors";
import {
  AlertEntity,
  AuditEntryEntity,
  ClientEntity,
  CreditFacilityEntity,
  PortraitEntity,
  PostLoanReviewEntity,
  ProductEntity,
  ProductSegmentEntity,
  RiskAssessmentEntity,
  SegmentEntity,
} from "../../entities";
import { hydrate, likePrefix, placeholders, sqlInstant, toCount } from "../../db/sql";
import type {
  AlertKind,
  AlertSeverity,
  ClientStatus,
  ClientType,
  CreditRating,
  FacilityStatus,
  ReviewStatus,
  ReviewTrigger,
  RiskLevel,
} from "../../domain/enums";
import type { BranchScope } from "../access/viewer";
import {
  checkFirst,
  creationCursor,
  decodeCreationCursor,
  decodeCursor,
  encodeCursor,
  type CreationKey,
  type Page,
} from "./paging";

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

export interface FacilityListFilter {
  statuses?: FacilityStatus[] | null;
  productCode?: string | null;
  maturityBefore?: string | null;
}

export interface ReviewListFilter {
  statuses?: ReviewStatus[] | null;
  triggers?: ReviewTrigger[] | null;
  dueBefore?: string | null;
  assignee?: string | null;
}

export interface AlertListFilter {
  kinds?: AlertKind[] | null;
  severities?: AlertSeverity[] | null;
  openOnly?: boolean | null;
}

export interface PageArgs {
  first: number;
  after?: string | null;
}

/** WHERE fragments and their parameters, joined with AND. */
class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }

  inList(column: string, values: readonly unknown[] | null | undefined): this {
    if (values === null || values === undefined) return this;
    if (values.length === 0) return this.add("1 = 0");
    return this.add(`${column} IN (${placeholders(values.length)})`, ...values);
  }

  sql(): string {
    return this.parts.length === 0 ? "" : `WHERE ${this.parts.join(" AND ")}`;
  }
}

function scopeClause(where: Where, scope: BranchScope, branchColumn: string): void {
  if (scope.all) return;
  if (scope.branch === null) where.add("1 = 0");
  else where.add(`${branchColumn} = ?`, scope.branch);
}

function keysetAfter(where: Where, alias: string, after: CreationKey | null): void {
  if (after === null) return;
  const at = sqlInstant(after.createdAt);
  where.add(`(${alias}.\`createdAt\` > ? OR (${alias}.\`createdAt\` = ? AND ${alias}.\`id\` > ?))`, at, at, after.id);
}

/** Tables whose rows hang off a client (and so follow the client's branch scope). */
type ClientOwned = typeof CreditFacilityEntity | typeof PostLoanReviewEntity | typeof AlertEntity;

/**
 * Every read of the graph, in set-based SQL: lists by keyset, and batch loads by id or by parent
 * for the per-request DataLoaders. Branch scoping is applied here, where rows are loaded, so every
 * path to an object obeys it.
 */
export class BookReader {
  private readonly sources: DataSource[];
  private turn = 0;

  /** Several sources (read replicas) take statements in turn. */
  constructor(sources: DataSource | DataSource[]) {
    this.sources = Array.isArray(sources) ? sources : [sources];
    if (this.sources.length === 0) throw new Error("BookReader needs a data source");
  }

  private get ds(): DataSource {
    this.turn = (this.turn + 1) % this.sources.length;
    return this.sources[this.turn];
  }

  private async rows<T extends ObjectLiteral>(target: EntityTarget<T>, sql: string, params: unknown[]): Promise<T[]> {
    const raw = (await this.ds.query(sql, params)) as ObjectLiteral[];
    return hydrate(this.ds, target, raw);
  }

  private table(target: EntityTarget<ObjectLiteral>): string {
    return `\`${this.ds.getMetadata(target).tableName}\``;
  }

  private async byIds<T extends ObjectLiteral>(target: EntityTarget<T>, ids: readonly number[]): Promise<T[]> {
    if (ids.length === 0) return [];
    return this.rows(target, `SELECT * FROM ${this.table(target)} WHERE \`id\` IN (${placeholders(ids.length)})`, [
      ...ids,
    ]);
  }

  // ------------------------------------------------------------------ clients

  async clientsByIds(ids: readonly number[], scope: BranchScope): Promise<ClientEntity[]> {
    if (ids.length === 0) return [];
    const where = new Where().inList("c.`id`", ids);
    scopeClause(where, scope, "c.`branch`");
    return this.rows(ClientEntity, `SELECT c.* FROM \`client\` c ${where.sql()}`, where.params);
  }

  /** One client by number, with its latest portrait and assessment validity (as a page brings them). */
  async clientByNo(clientNo: string, scope: BranchScope): Promise<ClientRows> {
    const where = new Where().add("c.`clientNo` = ?", clientNo);
    scopeClause(where, scope, "c.`branch`");
    const { rows } = await this.clientsWithPortraits("", where, 1);
    return rows;
  }

  /**
   * Clients (by clientNo, at most `limit`) with each one's latest portrait and when its latest risk
   * assessment lapses, in one statement; `more` tells whether a further row exists.
   */
  private async clientsWithPortraits(
    join: string,
    where: Where,
    limit: number,
  ): Promise<{ rows: ClientRows; more: boolean }> {
    const ds = this.ds;
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

  private clientWhere(
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
  async listClients(
    args: PageArgs,
    filter: ClientListFilter | null | undefined,
    scope: BranchScope,
    membership: SqlPredicate | null = null,
  ): Promise<ClientPage> {
    const first = checkFirst(args.first);
    const after = decodeCursor("client", args.after, 1);
    const { where, join } = this.clientWhere(filter, scope, membership);
    const countWhere = [...where.params];
    const countSql = `SELECT COUNT(*) AS n FROM \`client\` c ${join} ${where.sql()}`;
    if (after !== null) where.add("c.`clientNo` > ?", String(after[0]));
    const { rows, more } = await this.clientsWithPortraits(join, where, first);
    return {
      ...rows,
      hasNextPage: more,
      hasPreviousPage: after !== null,
      cursorOf: (c) => encodeCursor("client", [c.clientNo]),
      total: async () => toCount(((await this.ds.query(countSql, countWhere)) as { n: unknown }[])[0]?.n),
    };
  }

  /** Aggregates over a segment's members, in the database (SPEC §8). */
  async segmentStats(membership: SqlPredicate, scope: BranchScope): Promise<SegmentStatsRow> {
    const { where, join } = this.clientWhere(null, scope, membership);
    const base = `FROM \`client\` c ${join} ${where.sql()}`;
    // One scan of the members grouped by (risk level, rating) gives the count, the total and both
    // distributions; a second statement sums their facilities.
    const [groups, facilities] = await Promise.all([
      this.ds.query(
        `SELECT p.\`riskLevel\` AS r, p.\`creditRating\` AS cr, COUNT(*) AS n, SUM(p.\`avgDailyAssets20d\`) AS total
           ${base} GROUP BY p.\`riskLevel\`, p.\`creditRating\``,
        where.params,
      ),
      this.ds.query(
        `SELECT COUNT(*) AS n, SUM(f.\`approvedLimit\`) AS approved, SUM(f.\`usedAmount\`) AS used
           FROM \`credit_facility\` f JOIN \`client\` c ON c.\`id\` = f.\`clientId\` ${join}
           ${where.sql()} ${where.parts.length === 0 ? "WHERE" : "AND"} f.\`status\` IN (${placeholders(IN_FORCE.length)})`,
        [...where.params, ...IN_FORCE],
      ),
    ]);
    const f = (facilities as { n: unknown; approved: unknown; used: unknown }[])[0];
    let clientCount = 0;
    let total = new DecimalValue(0);
    const levels = new Map<string | null, number>();
    const ratings = new Map<string | null, number>();
    for (const g of groups as { r: string | null; cr: string | null; n: unknown; total: unknown }[]) {
      const n = toCount(g.n);
      clientCount += n;
      total = total.plus(decimalOf(g.total));
      levels.set(g.r, (levels.get(g.r) ?? 0) + n);
      ratings.set(g.cr, (ratings.get(g.cr) ?? 0) + n);
    }
    const counts = (m: Map<string | null, number>) => [...m].map(([key, count]) => ({ key, count }));
    return {
      clientCount,
      totalAvgDailyAssets: total,
      riskLevels: counts(levels),
      creditRatings: counts(ratings),
      activeFacilityCount: toCount(f.n),
      totalApprovedLimit: decimalOf(f.approved),
      totalUsedAmount: decimalOf(f.used),
    };
  }

  // ------------------------------------------------------------------ client data

  async portraitsByIds(ids: readonly number[]): Promise<PortraitEntity[]> {
    return this.byIds(PortraitEntity, ids);
  }

  async assessmentsByIds(ids: readonly number[]): Promise<RiskAssessmentEntity[]> {
    return this.byIds(RiskAssessmentEntity, ids);
  }

  /** The latest assessment of each client (by assessedAt, then id), expired or not: one statement. */
  async latestAssessments(clientIds: readonly number[]): Promise<RiskAssessmentEntity[]> {
    if (clientIds.length === 0) return [];
    return this.rows(
      RiskAssessmentEntity,
      `SELECT * FROM (SELECT ra.*, ROW_NUMBER() OVER (PARTITION BY ra.\`clientId\` ORDER BY ra.\`assessedAt\` DESC, ra.\`id\` DESC) AS rn_
         FROM \`risk_assessment\` ra WHERE ra.\`clientId\` IN (${placeholders(clientIds.length)})) t WHERE t.rn_ = 1`,
      [...clientIds],
    );
  }

  async facilitiesOfClients(clientIds: readonly number[]): Promise<CreditFacilityEntity[]> {
    if (clientIds.length === 0) return [];
    return this.rows(
      CreditFacilityEntity,
      `SELECT * FROM \`credit_facility\` WHERE \`clientId\` IN (${placeholders(clientIds.length)}) ORDER BY \`createdAt\`, \`id\``,
      [...clientIds],
    );
  }

  /** Only what open limits need: facilities holding a limit, three columns each. */
  async facilityLimitsOfClients(clientIds: readonly number[]): Promise<CreditFacilityEntity[]> {
    if (clientIds.length === 0) return [];
    return this.rows(
      CreditFacilityEntity,
      `SELECT \`clientId\`, \`productId\`, \`status\`, \`approvedLimit\` FROM \`credit_facility\`
        WHERE \`clientId\` IN (${placeholders(clientIds.length)}) AND \`status\` IN (${placeholders(LIMIT_HOLDING.length)})
        AND \`approvedLimit\` IS NOT NULL`,
      [...clientIds, ...LIMIT_HOLDING],
    );
  }

  // ------------------------------------------------------------------ client-owned rows by id (node)

  private async ownedByIds<T extends ObjectLiteral>(
    target: ClientOwned,
    ids: readonly number[],
    scope: BranchScope,
  ): Promise<T[]> {
    if (ids.length === 0) return [];
    const where = new Where().inList("x.`id`", ids);
    scopeClause(where, scope, "c.`branch`");
    const join = scope.all ? "" : "JOIN `client` c ON c.`id` = x.`clientId`";
    return this.rows(
      target as unknown as EntityTarget<T>,
      `SELECT x.* FROM ${this.table(target)} x ${join} ${where.sql()}`,
      where.params,
    );
  }

  facilitiesByIds(ids: readonly number[], scope: BranchScope): Promise<CreditFacilityEntity[]> {
    return this.ownedByIds(CreditFacilityEntity, ids, scope);
  }

  reviewsByIds(ids: readonly number[], scope: BranchScope): Promise<PostLoanReviewEntity[]> {
    return this.ownedByIds(PostLoanReviewEntity, ids, scope);
  }

  alertsByIds(ids: readonly number[], scope: BranchScope): Promise<AlertEntity[]> {
    return this.ownedByIds(AlertEntity, ids, scope);
  }

  // ------------------------------------------------------------------ creation-ordered lists

  private async listOwned<T extends ObjectLiteral & CreationKey>(
    target: ClientOwned,
    order: string,
    args: PageArgs,
    where: Where,
    scope: BranchScope,
    extraJoin = "",
  ): Promise<Page<T>> {
    const first = checkFirst(args.first);
    const after = decodeCreationCursor(order, args.after);
    scopeClause(where, scope, "c.`branch`");
    const join = `${scope.all ? "" : "JOIN `client` c ON c.`id` = x.`clientId`"} ${extraJoin}`;
    const countSql = `SELECT COUNT(*) AS n FROM ${this.table(target)} x ${join} ${where.sql()}`;
    const countParams = [...where.params];
    keysetAfter(where, "x", after);
    const rows = await this.rows<T>(
      target as unknown as EntityTarget<T>,
      `SELECT x.* FROM ${this.table(target)} x ${join} ${where.sql()} ORDER BY x.\`createdAt\`, x.\`id\` LIMIT ?`,
      [...where.params, first + 1],
    );
    return {
      rows: rows.slice(0, first),
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null,
      cursorOf: (r) => creationCursor(order, r),
      total: async () => toCount(((await this.ds.query(countSql, countParams)) as { n: unknown }[])[0]?.n),
    };
  }

  listFacilities(
    args: PageArgs,
    filter: FacilityListFilter | null | undefined,
    scope: BranchScope,
  ): Promise<Page<CreditFacilityEntity>> {
    const where = new Where();
    const f = filter ?? {};
    where.inList("x.`status`", f.statuses);
    let join = "";
    if (f.productCode !== null && f.productCode !== undefined) {
      join = "JOIN `product` pr ON pr.`id` = x.`productId`";
      where.add("pr.`code` = ?", f.productCode);
    }
    if (f.maturityBefore) where.add("x.`maturityDate` < ?", f.maturityBefore);
    return this.listOwned(CreditFacilityEntity, "facility", args, where, scope, join);
  }

  listReviews(
    args: PageArgs,
    filter: ReviewListFilter | null | undefined,
    scope: BranchScope,
  ): Promise<Page<PostLoanReviewEntity>> {
    const where = new Where();
    const f = filter ?? {};
    where.inList("x.`status`", f.statuses);
    where.inList("x.`trigger`", f.triggers);
    if (f.dueBefore) where.add("x.`dueDate` < ?", f.dueBefore);
    if (f.assignee !== null && f.assignee !== undefined) where.add("x.`assignee` = ?", f.assignee);
    return this.listOwned(PostLoanReviewEntity, "review", args, where, scope);
  }

  listAlerts(
    args: PageArgs,
    filter: AlertListFilter | null | undefined,
    scope: BranchScope,
  ): Promise<Page<AlertEntity>> {
    const where = new Where();
    const f = filter ?? {};
    where.inList("x.`kind`", f.kinds);
    where.inList("x.`severity`", f.severities);
    if (f.openOnly !== false) where.add("x.`resolvedAt` IS NULL");
    return this.listOwned(AlertEntity, "alert", args, where, scope);
  }

  // ------------------------------------------------------------------ per-parent connections (loaders)

  /**
   * The first N rows of each parent after an optional cursor, in one statement
   * (ROW_NUMBER() OVER (PARTITION BY parent) works on MariaDB ≥ 10.2 and SQLite ≥ 3.25).
   * Returns first+1 rows per parent so the caller knows whether there is a next page.
   */
  async firstPerParent<T extends ObjectLiteral & CreationKey>(
    target: ClientOwned,
    parentColumn: "clientId" | "facilityId",
    parentIds: readonly number[],
    first: number,
    after: CreationKey | null,
    filter: (where: Where) => void,
  ): Promise<T[]> {
    if (parentIds.length === 0) return [];
    const where = new Where().inList(`x.\`${parentColumn}\``, parentIds);
    filter(where);
    keysetAfter(where, "x", after);
    return this.rows<T>(
      target as unknown as EntityTarget<T>,
      `SELECT * FROM (SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.\`${parentColumn}\` ORDER BY x.\`createdAt\`, x.\`id\`) AS rn_
         FROM ${this.table(target)} x ${where.sql()}) t WHERE t.rn_ <= ? ORDER BY t.\`${parentColumn}\`, t.rn_`,
      [...where.params, first + 1],
    );
  }

  /** Row counts per parent, for totalCount of nested connections: one statement. */
  async countPerParent(
    target: ClientOwned,
    parentColumn: "clientId" | "facilityId",
    parentIds: readonly number[],
    filter: (where: Where) => void,
  ): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    if (parentIds.length === 0) return counts;
    const where = new Where().inList(`x.\`${parentColumn}\``, parentIds);
    filter(where);
    const rows = (await this.ds.query(
      `SELECT x.\`${parentColumn}\` AS parent, COUNT(*) AS n FROM ${this.table(target)} x ${where.sql()} GROUP BY x.\`${parentColumn}\``,
      where.params,
    )) as { parent: unknown; n: unknown }[];
    for (const r of rows) counts.set(Number(r.parent), toCount(r.n));
    return counts;
  }

  // ------------------------------------------------------------------ audit

  /** The audit trail by (at, id), keyset-paged, with its filter (SPEC §5 audit). */
  async listAudit(
    args: PageArgs,
    filter: { entityId?: string | null; actor?: string | null; action?: string | null } | null | undefined,
  ): Promise<Page<AuditEntryEntity>> {
    const first = checkFirst(args.first);
    const afterKey = decodeCursor("audit", args.after, 2);
    const where = new Where();
    const f = filter ?? {};
    if (f.entityId) where.add("a.`entityId` = ?", f.entityId);
    if (f.actor) where.add("a.`actor` = ?", f.actor);
    if (f.action) where.add("a.`action` = ?", f.action);
    const countSql = `SELECT COUNT(*) AS n FROM \`audit_entry\` a ${where.sql()}`;
    const countParams = [...where.params];
    if (afterKey !== null) {
      const when = new Date(String(afterKey[0]));
      if (Number.isNaN(when.getTime()) || typeof afterKey[1] !== "number") {
        throw new BadInputError("after is not a valid cursor for this list", "after");
      }
      const at = sqlInstant(when);
      where.add("(a.`at` > ? OR (a.`at` = ? AND a.`id` > ?))", at, at, Number(afterKey[1]));
    }
    const rows = await this.rows(
      AuditEntryEntity,
      `SELECT a.* FROM \`audit_entry\` a ${where.sql()} ORDER BY a.\`at\`, a.\`id\` LIMIT ?`,
      [...where.params, first + 1],
    );
    return {
      rows: rows.slice(0, first),
      hasNextPage: rows.length > first,
      hasPreviousPage: afterKey !== null,
      cursorOf: (r) => encodeCursor("audit", [r.at.toISOString(), r.id]),
      total: async () => toCount(((await this.ds.query(countSql, countParams)) as { n: unknown }[])[0]?.n),
    };
  }

  auditByIds(ids: readonly number[]): Promise<AuditEntryEntity[]> {
    return this.byIds(AuditEntryEntity, ids);
  }

  // ------------------------------------------------------------------ catalogue

  segments(activeOnly: boolean): Promise<SegmentEntity[]> {
    return this.rows(
      SegmentEntity,
      `SELECT * FROM \`segment\` ${activeOnly ? "WHERE `active` = ?" : ""} ORDER BY \`priority\`, \`code\``,
      activeOnly ? [1] : [],
    );
  }

  segmentsByIds(ids: readonly number[]): Promise<SegmentEntity[]> {
    return this.byIds(SegmentEntity, ids);
  }

  async segmentByCode(code: string): Promise<SegmentEntity | null> {
    const [row] = await this.rows(SegmentEntity, "SELECT * FROM `segment` WHERE `code` = ?", [code]);
    return row ?? null;
  }

  products(activeOnly: boolean): Promise<ProductEntity[]> {
    return this.rows(
      ProductEntity,
      `SELECT * FROM \`product\` ${activeOnly ? "WHERE `active` = ?" : ""} ORDER BY \`code\``,
      activeOnly ? [1] : [],
    );
  }

  /** Products with the ids of their segments, in one statement (a product row per link, folded). */
  async productsWithSegmentIds(activeOnly: boolean): Promise<{ product: ProductEntity; segmentIds: number[] }[]> {
    const raw = (await this.ds.query(
      `SELECT p.*, ps.\`segmentId\` AS linkSegmentId_ FROM \`product\` p
         LEFT JOIN \`product_segment\` ps ON ps.\`productId\` = p.\`id\`
         ${activeOnly ? "WHERE p.`active` = ?" : ""} ORDER BY p.\`code\`, ps.\`segmentId\``,
      activeOnly ? [1] : [],
    )) as ObjectLiteral[];
    const out: { product: ProductEntity; segmentIds: number[] }[] = [];
    for (const row of raw) {
      const last = out[out.length - 1];
      const id = Number(row.id);
      const entry = last !== undefined && last.product.id === id ? last : null;
      const target = entry ?? { product: hydrate(this.ds, ProductEntity, [row])[0], segmentIds: [] };
      if (entry === null) out.push(target);
      if (row.linkSegmentId_ !== null && row.linkSegmentId_ !== undefined)
        target.segmentIds.push(Number(row.linkSegmentId_));
    }
    return out;
  }

  productsByIds(ids: readonly number[]): Promise<ProductEntity[]> {
    return this.byIds(ProductEntity, ids);
  }

  async productByCode(code: string): Promise<ProductEntity | null> {
    const [row] = await this.rows(ProductEntity, "SELECT * FROM `product` WHERE `code` = ?", [code]);
    return row ?? null;
  }

  async productSegments(productIds: readonly number[]): Promise<ProductSegmentEntity[]> {
    if (productIds.length === 0) return [];
    return this.rows(
      ProductSegmentEntity,
      `SELECT * FROM \`product_segment\` WHERE \`productId\` IN (${placeholders(productIds.length)})`,
      [...productIds],
    );
  }
}

export { Where };

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

export interface SegmentStatsRow {
  clientCount: number;
  totalAvgDailyAssets: Decimal;
  riskLevels: { key: string | null; count: number }[];
  creditRatings: { key: string | null; count: number }[];
  activeFacilityCount: number;
  totalApprovedLimit: Decimal;
  totalUsedAmount: Decimal;
}

/** SUM is a DECIMAL string on MariaDB, a number (or null over no rows) on SQLite. */
function decimalOf(v: unknown): Decimal {
  if (v === null || v === undefined) return new DecimalValue(0);
  return new DecimalValue(typeof v === "number" ? v.toFixed(2) : String(v));
}
