import type { EntityTarget, ObjectLiteral } from "typeorm";
import { sqlInstant, toCount } from "../db/sql";
import { AssetSnapshotEntity, PortraitEntity, SatisfactionResponseEntity, TradeEntity } from "../entities";
import { BadInputError } from "../errors";
import { decodeCursor, encodeCursor } from "../domain/paging";
import { Where } from "./paging.reads";
import type { ReadPool } from "./read-pool";

/**
 * What was recorded about a client, read back latest first (SPEC §11 Read-back): its portraits, asset
 * snapshots, trades and satisfaction responses. Each is keyset-paged per client on a descending key that ends in a unique
 * column, and read for a whole page of clients in one statement.
 */

type Part = { column: string; kind: "date" | "instant" | "int" };

interface History<T> {
  target: EntityTarget<T>;
  table: string;
  /** The cursor tag. */
  tag: string;
  /** The descending key, unique within a client. */
  key: Part[];
  valueOf(row: T): (string | number)[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const HISTORIES = {
  /** Latest asOf first, then latest computed (the order that picks the latest portrait). */
  portraits: {
    target: PortraitEntity,
    table: "portrait",
    tag: "portraits",
    key: [
      { column: "asOf", kind: "date" },
      { column: "computedAt", kind: "instant" },
      { column: "id", kind: "int" },
    ],
    valueOf: (p: PortraitEntity) => [p.asOf, p.computedAt.toISOString(), p.id],
  } satisfies History<PortraitEntity>,
  /** One snapshot per client and date. */
  assetSnapshots: {
    target: AssetSnapshotEntity,
    table: "asset_snapshot",
    tag: "assetSnapshots",
    key: [{ column: "date", kind: "date" }],
    valueOf: (s: AssetSnapshotEntity) => [s.date],
  } satisfies History<AssetSnapshotEntity>,
  trades: {
    target: TradeEntity,
    table: "trade",
    tag: "trades",
    key: [
      { column: "tradeDate", kind: "date" },
      { column: "id", kind: "int" },
    ],
    valueOf: (t: TradeEntity) => [t.tradeDate, t.id],
  } satisfies History<TradeEntity>,
  /** Latest survey date first, then the latest recorded (SPEC §13). */
  satisfaction: {
    target: SatisfactionResponseEntity,
    table: "satisfaction_response",
    tag: "satisfaction",
    key: [
      { column: "surveyedOn", kind: "date" },
      { column: "id", kind: "int" },
    ],
    valueOf: (r: SatisfactionResponseEntity) => [r.surveyedOn, r.id],
  } satisfies History<SatisfactionResponseEntity>,
};

export type HistoryKind = keyof typeof HISTORIES;

export function historyCursor<T>(kind: HistoryKind, row: T): string {
  const h = HISTORIES[kind] as unknown as History<T>;
  return encodeCursor(h.tag, h.valueOf(row));
}

/** The bound SQL values of a cursor of `kind`, checked part by part. */
export function decodeHistoryCursor(kind: HistoryKind, after: string | null): (string | number)[] | null {
  const h = HISTORIES[kind] as History<unknown>;
  const parts = decodeCursor(h.tag, after, h.key.length);
  if (parts === null) return null;
  const invalid = () => new BadInputError("after is not a valid cursor for this list", "after");
  return h.key.map((part, i) => {
    const v = parts[i];
    if (part.kind === "int") {
      if (typeof v !== "number") throw invalid();
      return v;
    }
    if (typeof v !== "string") throw invalid();
    if (part.kind === "date") {
      if (!DATE.test(v)) throw invalid();
      return v;
    }
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw invalid();
    return sqlInstant(d);
  });
}

/** (k1, k2, …) < (v1, v2, …) spelt out, which both engines plan with the (clientId, key) index. */
function before(where: Where, key: Part[], values: (string | number)[]): void {
  const clause = (i: number): { sql: string; params: (string | number)[] } => {
    const col = `x.\`${key[i].column}\``;
    if (i === key.length - 1) return { sql: `${col} < ?`, params: [values[i]] };
    const rest = clause(i + 1);
    return { sql: `(${col} < ? OR (${col} = ? AND ${rest.sql}))`, params: [values[i], values[i], ...rest.params] };
  };
  const c = clause(0);
  where.add(c.sql, ...c.params);
}

/**
 * The first `first` rows (plus one, to tell whether there is a next page) of each client after the
 * cursor position, latest first, in one statement.
 */
export async function historyOfClients<T extends ObjectLiteral>(
  db: ReadPool,
  kind: HistoryKind,
  clientIds: readonly number[],
  first: number,
  after: (string | number)[] | null,
): Promise<T[]> {
  if (clientIds.length === 0) return [];
  const h = HISTORIES[kind] as unknown as History<T>;
  const where = new Where().inList("x.`clientId`", clientIds);
  if (after !== null) before(where, h.key, after);
  const order = h.key.map((p) => `x.\`${p.column}\` DESC`).join(", ");
  return db.rows<T>(
    h.target,
    `SELECT * FROM (SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.\`clientId\` ORDER BY ${order}) AS rn_
       FROM \`${h.table}\` x ${where.sql()}) t WHERE t.rn_ <= ? ORDER BY t.\`clientId\`, t.rn_`,
    [...where.params, first + 1],
  );
}

/** How many rows each client has, for totalCount: one statement. */
export async function historyCounts(
  db: ReadPool,
  kind: HistoryKind,
  clientIds: readonly number[],
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  if (clientIds.length === 0) return counts;
  const where = new Where().inList("x.`clientId`", clientIds);
  const rows = await db.query<{ parent: unknown; n: unknown }>(
    `SELECT x.\`clientId\` AS parent, COUNT(*) AS n FROM \`${HISTORIES[kind].table}\` x ${where.sql()} GROUP BY x.\`clientId\``,
    where.params,
  );
  for (const r of rows) counts.set(Number(r.parent), toCount(r.n));
  return counts;
}
