import { inTransaction } from "../../db/transaction";
import { openMoney, seal } from "../../crypto/personal-data";
import Decimal from "decimal.js";
import type { DataSource, EntityManager } from "typeorm";
import { PortraitEntity } from "../../entities";
import { money } from "../../domain/decimal";
import {
  AlertKind,
  AlertSeverity,
  ClientType,
  CreditRating,
  InvestmentHorizon,
  InvestorCategory,
  ReviewStatus,
  ReviewTrigger,
  RiskLevel,
} from "../../domain/enums";
import { hydrate, insertRows, insertSkippingDuplicates, placeholders, sqlInstant } from "../../db/sql";
import { recordAudit, type AuditAction, type AuditEntity } from "../audit/audit";
import { lockClients } from "../../db/locks";
import { isDowngrade } from "./scorecard";
import { computePortrait, type PortraitInput, type PortraitValues } from "./portrait";
import { addDays } from "../../domain/dates";
import { assessmentDayBounds } from "../../domain/assessment";
import { OPEN } from "../../domain/facility-status";

type Row = Record<string, unknown>;

const num = (v: unknown): Decimal => new Decimal(typeof v === "number" ? v.toString() : String(v));
const dateText = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
const instant = (v: unknown): Date =>
  v instanceof Date ? v : new Date(/Z$/.test(String(v)) ? String(v) : `${String(v).replace(" ", "T")}Z`);

export interface RefreshOutcome {
  portraits: number;
  downgrades: number;
}

/**
 * Computes portraits set-based: a handful of statements per batch of clients, whatever its size.
 * The single-client mutation and the bulk command run this same code, so they cannot disagree.
 */
export class PortraitRefresher {
  constructor(private readonly ds: DataSource) {}

  /** Gathers every input of SPEC §3's portrait for a batch of clients, as of a date. */
  async gatherInputs(manager: EntityManager, clientIds: readonly number[], asOf: string) {
    const ids = [...clientIds];
    const inList = placeholders(ids.length);
    const { madeBefore, validAfter } = assessmentDayBounds(asOf);
    const nextDayStart = `${addDays(asOf, 1)} 00:00:00.000`;
    const yearAgo = addDays(asOf, -365);
    const q = (sql: string, params: unknown[]) => manager.query(sql, params) as Promise<Row[]>;

    const [clients, assessments, snapshots, trades, marginCalls, defaults] = await Promise.all([
      q(
        `SELECT c.\`id\`, c.\`type\`, c.\`investorCategory\`, c.\`tradingSince\`, c.\`annualIncome\`, c.\`financialAssets\`,
                p.\`creditRating\` AS previousRating, p.\`asOf\` AS previousAsOf
           FROM \`client\` c LEFT JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\`
          WHERE c.\`id\` IN (${inList})`,
        ids,
      ),
      // The latest assessment valid at asOf: made before asOf ended, not expired when it began.
      q(
        `SELECT * FROM (SELECT ra.\`clientId\`, ra.\`riskLevel\`, ra.\`horizon\`, ra.\`lowestCategory\`, ra.\`assessedAt\`, ra.\`validUntil\`,
                ROW_NUMBER() OVER (PARTITION BY ra.\`clientId\` ORDER BY ra.\`assessedAt\` DESC, ra.\`id\` DESC) AS rn_
           FROM \`risk_assessment\` ra
          WHERE ra.\`clientId\` IN (${inList}) AND ra.\`assessedAt\` < ? AND ra.\`validUntil\` > ?) t WHERE t.rn_ = 1`,
        [...ids, sqlInstant(madeBefore), sqlInstant(validAfter)],
      ),
      q(
        `SELECT * FROM (SELECT s.\`clientId\`, s.\`date\`, s.\`securitiesAssets\`, s.\`totalAssets\`,
                ROW_NUMBER() OVER (PARTITION BY s.\`clientId\` ORDER BY s.\`date\` DESC) AS rn_
           FROM \`asset_snapshot\` s WHERE s.\`clientId\` IN (${inList}) AND s.\`date\` <= ?) t WHERE t.rn_ <= 20`,
        [...ids, asOf],
      ),
      this.ds.options.type === "better-sqlite3"
        ? // SQLite sums DECIMAL as a float: add the amounts up exactly here instead.
          q(
            `SELECT t.\`clientId\`, MIN(t.\`tradeDate\`) AS firstTrade, GROUP_CONCAT(CASE WHEN t.\`tradeDate\` > ? THEN CAST(t.\`amount\` AS TEXT) END, '|') AS amounts
               FROM \`trade\` t WHERE t.\`clientId\` IN (${inList}) AND t.\`tradeDate\` <= ? GROUP BY t.\`clientId\``,
            [yearAgo, ...ids, asOf],
          )
        : q(
            `SELECT t.\`clientId\`, MIN(t.\`tradeDate\`) AS firstTrade, SUM(CASE WHEN t.\`tradeDate\` > ? THEN t.\`amount\` ELSE 0 END) AS amount365
               FROM \`trade\` t WHERE t.\`clientId\` IN (${inList}) AND t.\`tradeDate\` <= ? GROUP BY t.\`clientId\``,
            [yearAgo, ...ids, asOf],
          ),
      q(
        `SELECT a.\`clientId\`, COUNT(*) AS n FROM \`alert\` a
          WHERE a.\`clientId\` IN (${inList}) AND a.\`kind\` = ? AND a.\`raisedAt\` >= ? AND a.\`raisedAt\` < ?
          GROUP BY a.\`clientId\``,
        [...ids, AlertKind.MARGIN_CALL, `${addDays(yearAgo, 1)} 00:00:00.000`, nextDayStart],
      ),
      q(
        `SELECT f.\`clientId\`, COUNT(*) AS n FROM \`credit_facility\` f
          WHERE f.\`clientId\` IN (${inList}) AND f.\`defaultedAt\` IS NOT NULL GROUP BY f.\`clientId\``,
        ids,
      ),
    ]);

    const byClient = <T>(rows: Row[], map: (r: Row) => T) => {
      const m = new Map<number, T>();
      for (const r of rows) m.set(Number(r.clientId), map(r));
      return m;
    };
    const assessmentOf = byClient(assessments, (r) => ({
      riskLevel: r.riskLevel as RiskLevel,
      horizon: r.horizon as InvestmentHorizon,
      lowestCategory: r.lowestCategory === true || Number(r.lowestCategory) === 1,
      assessedAt: instant(r.assessedAt),
      validUntil: instant(r.validUntil),
    }));
    const snapshotsOf = new Map<number, PortraitInput["snapshots"]>();
    for (const r of snapshots) {
      const list = snapshotsOf.get(Number(r.clientId)) ?? [];
      list.push({ date: dateText(r.date), securitiesAssets: num(r.securitiesAssets), totalAssets: num(r.totalAssets) });
      snapshotsOf.set(Number(r.clientId), list);
    }
    const tradesOf = byClient(trades, (r) => ({
      firstTrade: r.firstTrade === null ? null : dateText(r.firstTrade),
      amount365:
        "amounts" in r
          ? String(r.amounts ?? "")
              .split("|")
              .filter((s) => s !== "")
              .reduce((sum, s) => sum.plus(s), new Decimal(0))
          : num(r.amount365 ?? 0),
    }));
    const marginCallsOf = byClient(marginCalls, (r) => Number(r.n));
    const defaultsOf = byClient(defaults, (r) => Number(r.n));

    return clients.map((c) => {
      const id = Number(c.id);
      const trade = tradesOf.get(id);
      const input: PortraitInput = {
        asOf,
        client: {
          type: c.type as ClientType,
          investorCategory: c.investorCategory as InvestorCategory,
          tradingSince: c.tradingSince === null ? null : dateText(c.tradingSince),
          // Sealed at rest (SPEC §14): opened for the computation only.
          annualIncome: openMoney(c.annualIncome as string | null),
          financialAssets: openMoney(c.financialAssets as string | null),
        },
        assessment: assessmentOf.get(id) ?? null,
        snapshots: snapshotsOf.get(id) ?? [],
        firstTradeDate: trade?.firstTrade ?? null,
        tradeAmount365: trade?.amount365 ?? new Decimal(0),
        marginCallsLast12m: marginCallsOf.get(id) ?? 0,
        defaultsCount: defaultsOf.get(id) ?? 0,
      };
      return {
        clientId: id,
        input,
        // The declarations as stored: the portrait keeps these sealed values as its copies.
        sealed: {
          financialAssets: (c.financialAssets ?? null) as string | null,
          annualIncome: (c.annualIncome ?? null) as string | null,
        },
        previousRating: (c.previousRating ?? null) as CreditRating | null,
        previousAsOf: c.previousAsOf === null || c.previousAsOf === undefined ? null : dateText(c.previousAsOf),
      };
    });
  }

  /**
   * Computes and stores one portrait per client as of `asOf`, moves each client's latest-portrait
   * pointer, and raises a RATING_DOWNGRADE alert (and a review per open facility) where the new
   * latest portrait rates the client lower than the one before it. One transaction per batch.
   */
  async refreshBatch(
    clientIds: readonly number[],
    asOf: string,
    actor: string,
    now: Date,
    audit: { action: AuditAction; entity: AuditEntity },
  ): Promise<RefreshOutcome & { values: Map<number, PortraitValues> }> {
    if (clientIds.length === 0) return { portraits: 0, downgrades: 0, values: new Map() };
    return inTransaction(this.ds, async (manager) => {
      // One client, one line of writes (SPEC §10): the batch's clients are locked before anything
      // is read, so a concurrent refresh of the same client sees this one's portrait as the previous.
      await lockClients(manager, clientIds);
      const gathered = await this.gatherInputs(manager, clientIds, asOf);
      const values = new Map<number, PortraitValues>();
      const at = sqlInstant(now);
      const rows = gathered.map(({ clientId, input, sealed }) => {
        const v = computePortrait(input);
        values.set(clientId, v);
        return portraitRow(clientId, asOf, at, v, sealed);
      });
      const run = (sql: string, params: unknown[]) => manager.query(sql, params);
      await insertRows(run, "portrait", PORTRAIT_COLUMNS, rows);
      const inList = placeholders(gathered.length);
      const ids = gathered.map((g) => g.clientId);
      // The latest portrait: latest asOf, ties the latest computed (SPEC §3).
      await manager.query(
        `UPDATE \`client\` SET \`latestPortraitId\` = (SELECT p.\`id\` FROM \`portrait\` p WHERE p.\`clientId\` = \`client\`.\`id\`
            ORDER BY p.\`asOf\` DESC, p.\`computedAt\` DESC, p.\`id\` DESC LIMIT 1) WHERE \`id\` IN (${inList})`,
        ids,
      );

      const downgraded = gathered.filter(
        (g) =>
          (g.previousAsOf === null || g.previousAsOf <= asOf) &&
          isDowngrade(g.previousRating, values.get(g.clientId)!.creditRating),
      );
      if (downgraded.length > 0) await this.raiseDowngrades(manager, downgraded, values, asOf, at);
      // The audit entry commits with the portraits it records (SPEC §10: one per committed batch).
      await recordAudit(manager, { subject: actor }, audit.action, audit.entity, {
        at: now,
        changes: {
          asOf,
          portraits: gathered.length,
          downgrades: downgraded.length,
          ...(audit.entity.type === "Batch"
            ? { fromClientId: clientIds[0], toClientId: clientIds[clientIds.length - 1] }
            : {}),
        },
      });
      return { portraits: gathered.length, downgrades: downgraded.length, values };
    });
  }

  private async raiseDowngrades(
    manager: EntityManager,
    downgraded: { clientId: number; previousRating: CreditRating | null }[],
    values: Map<number, PortraitValues>,
    asOf: string,
    at: string,
  ): Promise<void> {
    // One open RATING_DOWNGRADE per client and one open review per facility (SPEC §10): a client
    // already flagged keeps its open alert and reviews.
    await insertSkippingDuplicates(
      manager,
      "alert",
      ["clientId", "facilityId", "kind", "severity", "message", "raisedAt", "deadline", "createdAt"],
      downgraded.map((d) => [
        d.clientId,
        null,
        AlertKind.RATING_DOWNGRADE,
        AlertSeverity.WARNING,
        `Credit rating downgraded from ${d.previousRating} to ${values.get(d.clientId)!.creditRating} as of ${asOf}`,
        at,
        null,
        at,
      ]),
    );
    const ids = downgraded.map((d) => d.clientId);
    const open = (await manager.query(
      `SELECT \`id\`, \`clientId\` FROM \`credit_facility\` WHERE \`clientId\` IN (${placeholders(ids.length)})
          AND \`status\` IN (${placeholders(OPEN.length)})`,
      [...ids, ...OPEN],
    )) as Row[];
    await insertSkippingDuplicates(
      manager,
      "post_loan_review",
      ["clientId", "facilityId", "trigger", "status", "dueDate", "createdAt", "updatedAt", "version"],
      open.map((f) => [
        Number(f.clientId),
        Number(f.id),
        ReviewTrigger.RATING_DOWNGRADE,
        ReviewStatus.SCHEDULED,
        asOf,
        at,
        at,
        1,
      ]),
    );
  }

  /** The single-client path of `refreshPortrait`: the same batch code, with its audit entry. */
  async refreshOne(clientId: number, asOf: string, actor: string, now: Date): Promise<PortraitEntity> {
    await this.refreshBatch([clientId], asOf, actor, now, {
      action: "refreshPortrait",
      entity: { type: "Client", id: clientId },
    });
    const rows = (await this.ds.query("SELECT * FROM `portrait` WHERE `clientId` = ? ORDER BY `id` DESC LIMIT 1", [
      clientId,
    ])) as Row[];
    return hydrate(this.ds, PortraitEntity, rows)[0];
  }
}

/** The portrait row as stored, one place for the refresh and the demo book. */
export const PORTRAIT_COLUMNS = [
  "clientId",
  "asOf",
  "computedAt",
  "riskLevel",
  "horizon",
  "lowestCategory",
  "avgDailyAssets20d",
  "assetDays",
  "totalAssets",
  "financialAssets",
  "annualIncome",
  "experienceMonths",
  "annualTurnover",
  "marginCallsLast12m",
  "defaultsCount",
  "creditScore",
  "creditRating",
  "creditFactors",
  "professionalEligible",
] as const;

export interface BulkRefreshOptions {
  asOf: string;
  actor: string;
  now: Date;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Recomputes every client's portrait in keyset batches of client ids, one transaction per batch,
 * each with its own audit entry: a run stopped part-way leaves no portrait unaudited.
 */
export async function refreshAllPortraits(
  ds: DataSource,
  opts: BulkRefreshOptions,
): Promise<RefreshOutcome & { clients: number; ms: number }> {
  const started = Date.now();
  const refresher = new PortraitRefresher(ds);
  const batchSize = opts.batchSize ?? 1000;
  const total = Number(((await ds.query("SELECT COUNT(*) AS n FROM `client`")) as { n: unknown }[])[0].n);
  let after = 0;
  let done = 0;
  let downgrades = 0;
  for (;;) {
    const rows = (await ds.query("SELECT `id` FROM `client` WHERE `id` > ? ORDER BY `id` LIMIT ?", [
      after,
      batchSize,
    ])) as { id: unknown }[];
    if (rows.length === 0) break;
    const ids = rows.map((r) => Number(r.id));
    const outcome = await refresher.refreshBatch(ids, opts.asOf, opts.actor, opts.now, {
      action: "refreshPortraits",
      entity: { type: "Batch", key: `refreshPortraits:${opts.asOf}` },
    });
    downgrades += outcome.downgrades;
    done += ids.length;
    after = ids[ids.length - 1];
    opts.onProgress?.(done, total);
  }
  return { clients: done, portraits: done, downgrades, ms: Date.now() - started };
}

/**
 * A portrait's row. Its copies of the client's declarations are personal data, sealed (SPEC §14):
 * `sealed` passes the client's own sealed values (the same declarations, so nothing is sealed twice);
 * without it they are sealed here.
 */
export function portraitRow(
  clientId: number,
  asOf: string,
  computedAt: string,
  v: PortraitValues,
  sealed?: { financialAssets: string | null; annualIncome: string | null },
): unknown[] {
  return [
    clientId,
    asOf,
    computedAt,
    v.riskLevel,
    v.horizon,
    v.lowestCategory ? 1 : 0,
    money(v.avgDailyAssets20d),
    v.assetDays,
    money(v.totalAssets),
    sealed ? sealed.financialAssets : v.financialAssets === null ? null : seal(money(v.financialAssets)),
    sealed ? sealed.annualIncome : v.annualIncome === null ? null : seal(money(v.annualIncome)),
    v.experienceMonths,
    money(v.annualTurnover),
    v.marginCallsLast12m,
    v.defaultsCount,
    v.creditScore,
    v.creditRating,
    JSON.stringify(v.creditFactors),
    v.professionalEligible ? 1 : 0,
  ];
}
