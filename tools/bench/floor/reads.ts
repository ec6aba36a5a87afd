import Decimal from "decimal.js";
import type { RowDataPacket } from "mysql2/promise";
import { money } from "../../../src/domain/decimal";
import { CREDIT_RATING_ORDER, RISK_LEVEL_ORDER, type CreditRating, type RiskLevel } from "../../../src/domain/enums";
import { IN_FORCE, LIMIT_HOLDING } from "../../../src/domain/facility-status";
import { toGlobalId } from "../../../src/domain/global-id";
import { maskName } from "../../../src/services/access/policy";
import { open } from "../../../src/crypto/personal-data";
import { bestSegment, productFits, segmentFits } from "../../../src/services/matching";
import { decodeCursor, encodeCursor } from "../../../src/domain/paging";
import { membershipPredicate } from "../../../src/repositories/segment-membership.sql";
import {
  CLIENT_COLUMNS,
  ids,
  iso,
  openLimits,
  PRODUCTS_SQL,
  productDef,
  reasonOut,
  SEGMENTS_SQL,
  segmentDef,
  subjectOfRow,
  type FloorCatalogue,
  type FloorSegment,
} from "./sql";

export type Query = (sql: string, params?: unknown[]) => Promise<RowDataPacket[]>;

/**
 * The floor's three reads, hand-written on mysql2: the same JSON as the API's page, fit and stats
 * queries, with the domain's own matching and facility-status sets, and the fewest statements.
 */
export class FloorReads {
  constructor(private readonly q: Query) {}

  async catalogue(): Promise<FloorCatalogue> {
    const [segs, prods] = await Promise.all([this.q(SEGMENTS_SQL), this.q(PRODUCTS_SQL)]);
    const all = segs.map(segmentDef);
    return { all, active: all.filter((s) => s.active), products: prods.map(productDef) };
  }

  async facilitiesOf(clientIds: number[]): Promise<RowDataPacket[]> {
    if (clientIds.length === 0) return [];
    return this.q(
      `SELECT \`clientId\`, \`productId\`, \`approvedLimit\` FROM \`credit_facility\`
        WHERE \`clientId\` IN (${ids(clientIds.length)}) AND \`status\` IN (${ids(LIMIT_HOLDING.length)})
        AND \`approvedLimit\` IS NOT NULL`,
      [...clientIds, ...LIMIT_HOLDING],
    );
  }

  async page(first: number, after: string | null) {
    const afterKey = decodeCursor("client", after, 1);
    const where = afterKey === null ? "" : "WHERE c.`clientNo` > ?";
    const params = afterKey === null ? [first + 1] : [String(afterKey[0]), first + 1];
    const [rows, cat] = await Promise.all([
      this.q(`SELECT ${CLIENT_COLUMNS} ${where} ORDER BY c.\`clientNo\` LIMIT ?`, params),
      this.catalogue(),
    ]);
    const pageRows = rows.slice(0, first);
    const clientIds = pageRows.map((r) => r.id as number);
    const [facilities, reviews] = await Promise.all([
      this.facilitiesOf(clientIds),
      clientIds.length === 0
        ? Promise.resolve([] as RowDataPacket[])
        : this.q(
            `SELECT * FROM (SELECT r.\`id\`, r.\`clientId\`, r.\`trigger\`, r.\`status\`, r.\`dueDate\`, r.\`recommendation\`,
               r.\`outcome\`, r.\`newLimit\`, ROW_NUMBER() OVER (PARTITION BY r.\`clientId\` ORDER BY r.\`createdAt\`, r.\`id\`) AS rn
               FROM \`post_loan_review\` r WHERE r.\`clientId\` IN (${ids(clientIds.length)})) t
             WHERE t.rn <= ? ORDER BY t.\`clientId\`, t.rn`,
            [...clientIds, 4],
          ),
    ]);
    const facilitiesBy = new Map<number, RowDataPacket[]>();
    for (const f of facilities) facilitiesBy.set(f.clientId, [...(facilitiesBy.get(f.clientId) ?? []), f]);
    const reviewsBy = new Map<number, RowDataPacket[]>();
    for (const r of reviews) reviewsBy.set(r.clientId, [...(reviewsBy.get(r.clientId) ?? []), r]);
    const now = Date.now();
    const nodes = pageRows.map((r) => {
      const subject = subjectOfRow(r, now);
      const best = subject && bestSegment(subject, cat.active);
      const seg = subject && best ? segmentFits(subject, [best])[0] : null;
      const fits =
        subject === null
          ? []
          : productFits(
              subject,
              cat.products,
              {
                segmentCode: best?.code ?? null,
                openLimitsExcluding: openLimits(facilitiesBy.get(r.id) ?? [], cat.products),
              },
              { first: 3, eligibleOnly: false },
            );
      const revs = reviewsBy.get(r.id) ?? [];
      return {
        id: toGlobalId("Client", r.id),
        clientNo: r.clientNo,
        // Sealed at rest (SPEC §14; the bench's book is seeded under the development keys): opened to mask.
        name: maskName(open(r.name)),
        type: r.type,
        status: r.status,
        investorCategory: r.investorCategory,
        branch: r.branch,
        openedAt: r.openedAt,
        portrait:
          r.pId === null
            ? null
            : {
                asOf: r.asOf,
                computedAt: iso(r.computedAt),
                avgDailyAssets20d: r.avgDailyAssets20d,
                totalAssets: r.totalAssets,
                experienceMonths: r.experienceMonths,
                creditScore: r.creditScore,
                creditRating: r.creditRating,
                riskLevel: r.riskLevel,
                horizon: r.horizon,
                professionalEligible: r.professionalEligible === 1,
              },
        segment: seg && {
          matched: seg.matched,
          score: seg.score,
          segment: { code: seg.segment.code, name: seg.segment.name },
        },
        productFits: fits.map((f) => ({
          eligible: f.eligible,
          score: f.score,
          recommendedLimit: f.recommendedLimit === null ? null : money(f.recommendedLimit),
          product: { code: f.product.code, name: f.product.name },
          blockers: f.blockers.map((b) => ({ code: b.code })),
        })),
        reviews: {
          pageInfo: { hasNextPage: revs.length > 3 },
          nodes: revs.slice(0, 3).map((v) => ({
            id: toGlobalId("PostLoanReview", v.id),
            trigger: v.trigger,
            status: v.status,
            dueDate: v.dueDate,
            recommendation: v.recommendation,
            outcome: v.outcome,
            newLimit: v.newLimit,
          })),
        },
      };
    });
    return {
      clients: {
        pageInfo: {
          hasNextPage: rows.length > first,
          endCursor: pageRows.length === 0 ? null : encodeCursor("client", [pageRows[pageRows.length - 1].clientNo]),
        },
        nodes,
      },
    };
  }

  async fit(clientNo: string) {
    const [rows, cat] = await Promise.all([
      this.q(`SELECT ${CLIENT_COLUMNS} WHERE c.\`clientNo\` = ?`, [clientNo]),
      this.catalogue(),
    ]);
    const r = rows[0];
    if (r === undefined) return { client: null };
    const facilities = await this.facilitiesOf([r.id]);
    const subject = subjectOfRow(r, Date.now());
    if (subject === null) return { client: { clientNo: r.clientNo, segment: null, segmentFits: [], productFits: [] } };
    const best = bestSegment(subject, cat.active);
    const segOut = (s: ReturnType<typeof segmentFits<FloorSegment>>[number]) => ({
      matched: s.matched,
      score: s.score,
      segment: { code: s.segment.code },
      reasons: s.reasons.map(reasonOut),
    });
    const fits = productFits(
      subject,
      cat.products,
      { segmentCode: best?.code ?? null, openLimitsExcluding: openLimits(facilities, cat.products) },
      { first: 500, eligibleOnly: false },
    );
    return {
      client: {
        clientNo: r.clientNo,
        segment: best === null ? null : segOut(segmentFits(subject, [best])[0]),
        segmentFits: segmentFits(subject, cat.active).map(segOut),
        productFits: fits.map((f) => ({
          eligible: f.eligible,
          score: f.score,
          recommendedLimit: f.recommendedLimit === null ? null : money(f.recommendedLimit),
          product: { code: f.product.code },
          blockers: f.blockers.map((b) => ({ code: b.code })),
          reasons: f.reasons.map(reasonOut),
        })),
      },
    };
  }

  async stats(code: string) {
    const all = (await this.q(SEGMENTS_SQL)).map(segmentDef);
    const target = all.find((s) => s.code === code);
    if (target === undefined) return { segment: null };
    const m = membershipPredicate(
      target,
      all.filter((s) => s.active),
    );
    const base = "FROM `client` c JOIN `portrait` p ON p.`id` = c.`latestPortraitId`";
    const [groups, facilities] = await Promise.all([
      this.q(
        `SELECT p.\`riskLevel\` AS r, p.\`creditRating\` AS cr, COUNT(*) AS n, SUM(p.\`avgDailyAssets20d\`) AS total
          ${base} WHERE ${m.sql} GROUP BY p.\`riskLevel\`, p.\`creditRating\``,
        m.params,
      ),
      this.q(
        `SELECT COUNT(*) AS n, SUM(f.\`approvedLimit\`) AS approved, SUM(f.\`usedAmount\`) AS used
          FROM \`credit_facility\` f JOIN \`client\` c ON c.\`id\` = f.\`clientId\`
          JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\`
          WHERE ${m.sql} AND f.\`status\` IN (${ids(IN_FORCE.length)})`,
        [...m.params, ...IN_FORCE],
      ),
    ]);
    let count = 0;
    let total = new Decimal(0);
    const levels = new Map<string | null, number>();
    const ratings = new Map<string, number>();
    for (const g of groups) {
      const n = Number(g.n);
      count += n;
      total = total.plus(g.total ?? 0);
      levels.set(g.r, (levels.get(g.r) ?? 0) + n);
      ratings.set(g.cr, (ratings.get(g.cr) ?? 0) + n);
    }
    const levelRank = (k: string | null) => (k === null ? 99 : RISK_LEVEL_ORDER.indexOf(k as RiskLevel));
    const ratingRank = (k: string) => CREDIT_RATING_ORDER.indexOf(k as CreditRating);
    const f = facilities[0];
    return {
      segment: {
        code: target.code,
        stats: {
          clientCount: count,
          totalAvgDailyAssets: money(total),
          meanAvgDailyAssets: money(count === 0 ? total : total.div(count)),
          riskLevels: [...levels]
            .sort((a, b) => levelRank(a[0]) - levelRank(b[0]))
            .map(([riskLevel, n]) => ({ riskLevel, count: n })),
          creditRatings: [...ratings]
            .sort((a, b) => ratingRank(a[0]) - ratingRank(b[0]))
            .map(([creditRating, n]) => ({ creditRating, count: n })),
          activeFacilityCount: Number(f.n),
          totalApprovedLimit: money(f.approved ?? 0),
          totalUsedAmount: money(f.used ?? 0),
        },
      },
    };
  }
}
