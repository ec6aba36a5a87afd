import Decimal from "decimal.js";
import type { Clock } from "../../domain/clock";
import { daysBetween } from "../../domain/dates";
import type { HistoryInterval } from "../../domain/enums";
import { BadInputError } from "../../errors";
import type { ProductEntity, SegmentEntity } from "../../entities";
import { segments as allSegments, productsWithSegmentIds } from "../../repositories/catalogue.reads";
import type { ReadPool } from "../../repositories/read-pool";
import { segmentCaseSql } from "../../repositories/segment-membership.sql";
import { previewCells } from "../../repositories/segment-preview.reads";
import {
  creditCohort,
  emptyPerformance,
  segmentHistory,
  segmentMigration,
  segmentPerformance,
  type PerformanceRow,
} from "../../repositories/tracking.reads";
import type { BranchScope } from "../access/viewer";
import { segmentProblems, segmentValues, type UpsertSegmentProps } from "../catalogue/catalogue-admin";
import { activeCatalogue, activeSegments, type SegmentRef } from "../fit/catalogue";
import { interestOf, modelFigures, netPromoterScore, rate, type ModelFigures } from "./figures";

/** The longest period a tracking read spans: ten years of daily points is plenty for any chart. */
const MAX_PERIOD_DAYS = 3660;

export interface HistoryPoint {
  date: string;
  clientCount: number;
  totalAvgDailyAssets: Decimal;
  activeFacilityCount: number;
  totalApprovedLimit: Decimal;
}

export interface Performance {
  /** Null: the clients in no segment. */
  segmentId: number | null;
  from: string;
  to: string;
  clientCount: number;
  facilitiesInForce: number;
  facilitiesOpened: number;
  utilization: Decimal | null;
  marginCallRate: Decimal | null;
  defaultRate: Decimal | null;
  interestIncome: Decimal;
  satisfactionResponses: number;
  nps: Decimal | null;
}

export interface MigrationCell {
  fromSegment: SegmentEntity | null;
  toSegment: SegmentEntity | null;
  clientCount: number;
}

export interface ChangePreview {
  clientsAssessed: number;
  /** The segment after the change, as it would be stored (not stored: id 0 when new). */
  changed: SegmentEntity;
  moves: MigrationCell[];
  productEligibility: { product: ProductEntity; gaining: number; losing: number }[];
}

const fromCents = (cents: bigint) => new Decimal(cents.toString()).div(100);

function checkPeriod(from: string, to: string): void {
  if (from > to) throw new BadInputError("from must not be after to", "from");
  if (daysBetween(from, to) > MAX_PERIOD_DAYS) throw new BadInputError(`at most ${MAX_PERIOD_DAYS} days`, "to");
}

function performanceOf(segmentId: number | null, from: string, to: string, row: PerformanceRow): Performance {
  return {
    segmentId,
    from,
    to,
    clientCount: row.clientCount,
    facilitiesInForce: row.facilitiesInForce,
    facilitiesOpened: row.facilitiesOpened,
    utilization: rate(row.usedCentsAtTo, row.approvedCentsAtTo),
    marginCallRate: rate(row.marginCalls, row.facilitiesInForce),
    defaultRate: rate(row.defaults, row.facilitiesInForce),
    interestIncome: interestOf(row.centDaysByRate),
    satisfactionResponses: row.responses,
    nps: netPromoterScore(row.responses, row.promoters, row.detractors),
  };
}

/**
 * Continuous tracking (SPEC §13): how the segments and the book move over time, what serving each
 * segment yields, what a segment change would do, and whether the credit score ranks. BI reads on the
 * bulk pool (the replicas when configured); the figures are grouped in the database.
 */
export class TrackingService {
  constructor(
    private readonly bulk: ReadPool,
    private readonly clock: Clock,
  ) {}

  /** Figures of a segment at the last snapshot date of each period in [from, to]. */
  async history(
    segmentId: number,
    from: string,
    to: string,
    interval: HistoryInterval,
    scope: BranchScope,
  ): Promise<HistoryPoint[]> {
    checkPeriod(from, to);
    return (await segmentHistory(this.bulk, segmentId, from, to, interval, scope)).map((r) => ({
      date: r.date,
      clientCount: r.clientCount,
      totalAvgDailyAssets: fromCents(r.avgCents),
      activeFacilityCount: r.facilities,
      totalApprovedLimit: fromCents(r.limitCents),
    }));
  }

  /** Clients by (segment on their last snapshot ≤ from, on their last snapshot ≤ to); null: no segment. */
  async migration(from: string, to: string, scope: BranchScope): Promise<MigrationCell[]> {
    checkPeriod(from, to);
    const [rows, segments] = await Promise.all([
      segmentMigration(this.bulk, from, to, scope),
      allSegments(this.bulk, false),
    ]);
    const byId = new Map(segments.map((s) => [s.id, s]));
    const rank = (id: number | null) => (id === null ? segments.length : segments.findIndex((s) => s.id === id));
    return rows
      .sort((a, b) => rank(a.fromSegmentId) - rank(b.fromSegmentId) || rank(a.toSegmentId) - rank(b.toSegmentId))
      .map((r) => ({
        fromSegment: r.fromSegmentId === null ? null : (byId.get(r.fromSegmentId) ?? null),
        toSegment: r.toSegmentId === null ? null : (byId.get(r.toSegmentId) ?? null),
        clientCount: r.clientCount,
      }));
  }

  /**
   * The effect per segment over [from, to]: every segment key that has figures (the active segments
   * always, by priority then code), then the clients in no segment. Keyed by segment id (null: none).
   */
  async performance(from: string, to: string, scope: BranchScope): Promise<Map<number | null, Performance>> {
    checkPeriod(from, to);
    const segments = await allSegments(this.bulk, false);
    const live = segmentCaseSql(activeSegments(segments), (s) => s.entity.id);
    const rows = await segmentPerformance(this.bulk, from, to, scope, live);
    const out = new Map<number | null, Performance>();
    for (const s of segments)
      if (s.active || rows.has(s.id))
        out.set(s.id, performanceOf(s.id, from, to, rows.get(s.id) ?? emptyPerformance()));
    out.set(null, performanceOf(null, from, to, rows.get(null) ?? emptyPerformance()));
    return out;
  }

  /**
   * What upserting this segment would change, stored nowhere: every client with a portrait placed under
   * the active segments now and after the change, the moves between them, and per active product the
   * clients gaining or losing eligibility (only the SEGMENT check can change). Refuses what upsertSegment
   * refuses, as BAD_USER_INPUT.
   */
  async previewSegmentChange(props: UpsertSegmentProps, scope: BranchScope): Promise<ChangePreview> {
    const problems = segmentProblems(props);
    if (problems.length > 0) throw new BadInputError(problems.map((p) => p.message).join("; "), "input");
    const [segments, products] = await Promise.all([
      allSegments(this.bulk, false),
      productsWithSegmentIds(this.bulk, true),
    ]);
    const existing = segments.find((s) => s.code === props.code) ?? null;
    const changed = Object.assign({} as SegmentEntity, existing ?? { id: 0, version: 0 }, segmentValues(props));
    const afterSegments = [...segments.filter((s) => s.code !== props.code), changed];
    const now = activeSegments(segments);
    const after = activeSegments(afterSegments);
    const catalogue = activeCatalogue(segments, products);
    const withIds = catalogue.products
      .filter((p) => p.segmentCodes.length > 0)
      .map((p) => Object.assign({}, p, { id: p.entity.id }));
    const cells = await previewCells(
      this.bulk,
      segmentCaseSql(now, (s: SegmentRef) => s.code),
      segmentCaseSql(after, (s: SegmentRef) => s.code),
      withIds,
      scope,
      this.clock.now(),
    );
    const byCode = new Map(afterSegments.map((s) => [s.code, s]));
    const segmentOf = (code: string | null) => (code === null ? null : (byCode.get(code) ?? null));
    const rank = (code: string | null) =>
      code === null ? Number.MAX_SAFE_INTEGER : (byCode.get(code)?.priority ?? Number.MAX_SAFE_INTEGER - 1);
    const eligibility = new Map(catalogue.products.map((p) => [p.code, { gaining: 0, losing: 0 }]));
    for (const cell of cells) {
      withIds.forEach((p, i) => {
        const inBefore = cell.before !== null && p.segmentCodes.includes(cell.before);
        const inAfter = cell.after !== null && p.segmentCodes.includes(cell.after);
        const e = eligibility.get(p.code)!;
        if (!inBefore && inAfter) e.gaining += cell.eligible[i];
        if (inBefore && !inAfter) e.losing += cell.eligible[i];
      });
    }
    return {
      clientsAssessed: cells.reduce((n, c) => n + c.clients, 0),
      changed,
      moves: cells
        .sort(
          (a, b) =>
            rank(a.before) - rank(b.before) ||
            String(a.before).localeCompare(String(b.before)) ||
            rank(a.after) - rank(b.after) ||
            String(a.after).localeCompare(String(b.after)),
        )
        .map((c) => ({
          fromSegment: c.before === null ? null : (segments.find((s) => s.code === c.before) ?? null),
          toSegment: segmentOf(c.after),
          clientCount: c.clients,
        })),
      productEligibility: catalogue.products.map((p) => ({ product: p.entity, ...eligibility.get(p.code)! })),
    };
  }

  /** AUC, KS and bad rate per rating of the credit score on the cohort open on cohortDate. */
  async creditModel(cohortDate: string, horizonDays: number, scope: BranchScope): Promise<ModelFigures> {
    if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > MAX_PERIOD_DAYS)
      throw new BadInputError(`horizonDays must be from 1 to ${MAX_PERIOD_DAYS}`, "horizonDays");
    return modelFigures(await creditCohort(this.bulk, cohortDate, horizonDays, scope));
  }
}
