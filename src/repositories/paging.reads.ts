import type { EntityTarget, ObjectLiteral } from "typeorm";
import { placeholders, sqlInstant, toCount } from "../db/sql";
import type { AlertEntity, CreditFacilityEntity, PostLoanReviewEntity, SatisfactionResponseEntity } from "../entities";
import { branchCondition } from "./scope.sql";
import type { BranchScope } from "../domain/scope";
import { checkFirst, type CreationKey, type Page } from "../domain/paging";
import { addKeysetAfter, cursorOf, decodePosition, orderBySql, type KeysetOrder, type SortKey } from "./order.reads";
import type { ReadPool } from "./read-pool";

/** What a list reads: a page size and an opaque cursor. */
export interface PageArgs {
  first: number;
  after?: string | null;
}

/** WHERE fragments and their parameters, joined with AND. */
export class Where {
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

/** Branch scoping inside the SQL: only rows of clients the viewer may see are loaded at all. */
export function scopeClause(where: Where, scope: BranchScope, branchColumn: string): void {
  const condition = branchCondition(scope, branchColumn);
  if (condition !== null) where.add(condition.sql, ...condition.params);
}

export function keysetAfter(where: Where, alias: string, after: CreationKey | null): void {
  if (after === null) return;
  const at = sqlInstant(after.createdAt);
  where.add(`(${alias}.\`createdAt\` > ? OR (${alias}.\`createdAt\` = ? AND ${alias}.\`id\` > ?))`, at, at, after.id);
}

/** A COUNT(*) statement's single number, run only when asked (totalCount). */
export function countOf(db: ReadPool, sql: string, params: readonly unknown[]): () => Promise<number> {
  const frozen = [...params];
  return async () => toCount((await db.query<{ n: unknown }>(sql, frozen))[0]?.n);
}

/** Tables whose rows hang off a client (and so follow the client's branch scope). */
export type ClientOwned =
  typeof CreditFacilityEntity | typeof PostLoanReviewEntity | typeof AlertEntity | typeof SatisfactionResponseEntity;

/** Rows of a client-owned table by id, only those of clients in scope. */
export async function ownedByIds<T extends ObjectLiteral>(
  db: ReadPool,
  target: ClientOwned,
  ids: readonly number[],
  scope: BranchScope,
): Promise<T[]> {
  if (ids.length === 0) return [];
  const where = new Where().inList("x.`id`", ids);
  scopeClause(where, scope, "c.`branch`");
  const join = scope.all ? "" : "JOIN `client` c ON c.`id` = x.`clientId`";
  return db.rows(
    target as unknown as EntityTarget<T>,
    `SELECT x.* FROM ${db.table(target)} x ${join} ${where.sql()}`,
    where.params,
  );
}

/** The creation order (createdAt, id) of a client-owned list, tagged `tag` in its cursors. */
export function creationKey<T extends CreationKey>(): SortKey<T> {
  return { sql: "x.`createdAt`", kind: "instant", nullable: false, valueOf: (r) => r.createdAt };
}

/** A keyset page of a client-owned table in `order`, scoped by the client's branch. */
export async function listOwned<T extends ObjectLiteral>(
  db: ReadPool,
  target: ClientOwned,
  order: KeysetOrder<T>,
  args: PageArgs,
  where: Where,
  scope: BranchScope,
  extraJoin = "",
): Promise<Page<T>> {
  const first = checkFirst(args.first);
  const after = decodePosition(order, args.after);
  scopeClause(where, scope, "c.`branch`");
  const join = `${scope.all ? "" : "JOIN `client` c ON c.`id` = x.`clientId`"} ${extraJoin}`;
  const total = countOf(db, `SELECT COUNT(*) AS n FROM ${db.table(target)} x ${join} ${where.sql()}`, where.params);
  addKeysetAfter(where, order, after);
  const rows = await db.rows<T>(
    target as unknown as EntityTarget<T>,
    `SELECT x.* FROM ${db.table(target)} x ${join} ${where.sql()} ORDER BY ${orderBySql(order)} LIMIT ?`,
    [...where.params, first + 1],
  );
  return {
    rows: rows.slice(0, first),
    hasNextPage: rows.length > first,
    hasPreviousPage: after !== null,
    cursorOf: (r) => cursorOf(order, r),
    total,
  };
}

/**
 * The first N rows of each parent after an optional cursor, in one statement
 * (ROW_NUMBER() OVER (PARTITION BY parent) works on MariaDB ≥ 10.2 and SQLite ≥ 3.25).
 * Returns first+1 rows per parent so the caller knows whether there is a next page. `columns` (which
 * must hold the id, the parent column and createdAt) reads partial rows; null reads them whole.
 */
export async function firstPerParent<T extends ObjectLiteral & CreationKey>(
  db: ReadPool,
  target: ClientOwned,
  parentColumn: "clientId" | "facilityId",
  parentIds: readonly number[],
  first: number,
  after: CreationKey | null,
  filter: (where: Where) => void,
  columns: readonly string[] | null = null,
): Promise<T[]> {
  if (parentIds.length === 0) return [];
  const where = new Where().inList(`x.\`${parentColumn}\``, parentIds);
  filter(where);
  keysetAfter(where, "x", after);
  const selected = columns === null ? "x.*" : columns.map((c) => `x.\`${c}\``).join(", ");
  return db.rows<T>(
    target as unknown as EntityTarget<T>,
    `SELECT * FROM (SELECT ${selected}, ROW_NUMBER() OVER (PARTITION BY x.\`${parentColumn}\` ORDER BY x.\`createdAt\`, x.\`id\`) AS rn_
       FROM ${db.table(target)} x ${where.sql()}) t WHERE t.rn_ <= ? ORDER BY t.\`${parentColumn}\`, t.rn_`,
    [...where.params, first + 1],
  );
}

/** Row counts per parent, for totalCount of nested connections: one statement. */
export async function countPerParent(
  db: ReadPool,
  target: ClientOwned,
  parentColumn: "clientId" | "facilityId",
  parentIds: readonly number[],
  filter: (where: Where) => void,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  if (parentIds.length === 0) return counts;
  const where = new Where().inList(`x.\`${parentColumn}\``, parentIds);
  filter(where);
  const rows = await db.query<{ parent: unknown; n: unknown }>(
    `SELECT x.\`${parentColumn}\` AS parent, COUNT(*) AS n FROM ${db.table(target)} x ${where.sql()} GROUP BY x.\`${parentColumn}\``,
    where.params,
  );
  for (const r of rows) counts.set(Number(r.parent), toCount(r.n));
  return counts;
}
