import Decimal from "decimal.js";
import { AlertKind, ClientStatus, CreditRating, FacilityStatus, Role } from "../../src/domain/enums";
import type {
  AlertEntity,
  ClientEntity,
  CreditFacilityEntity,
  FacilityValuationEntity,
  PortraitEntity,
  ProductEntity,
  SatisfactionResponseEntity,
  SegmentEntity,
  SegmentSnapshotEntity,
} from "../../src/entities";
import { toGlobalId } from "../../src/domain/global-id";
import { activeSegments, openLimitsExcluding, productRef, subjectOf } from "../../src/services/fit/catalogue";
import { bestSegment, productFit } from "../../src/services/matching";
import { defaultSegments } from "../lifecycle/helpers";
import { ENGINES, type TestDatabase } from "../support/engines";
import {
  buildAlert,
  buildAssessment,
  buildClient,
  buildFacility,
  buildPortrait,
  buildProduct,
  buildSatisfaction,
  buildSegmentSnapshot,
  buildValuation,
} from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §13 tracking reads on a small book seeded here. Every expected figure is worked out in this file
 * from the seeded rows with plain TypeScript — day by day for interest, pair by pair for AUC — never
 * with the SQL under test: a client that changes segment mid-period, the unsegmented row, a client with
 * no snapshot, ties in scores, and an empty period (nulls where the contract says so).
 */

const FROM = "2026-10-01";
const TO = "2026-11-26";
const addDay = (d: string, n = 1) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const day = (i: Date) => i.toISOString().slice(0, 10);
const r4 = (d: Decimal) => d.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);

describe.each(ENGINES)("tracking reads on $name (SPEC §13)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let analyst: string;
  let seg: Record<"A" | "B" | "C", SegmentEntity>;
  const clients: ClientEntity[] = [];
  const portraits: PortraitEntity[] = [];
  const snapshots: SegmentSnapshotEntity[] = [];
  const facilities: CreditFacilityEntity[] = [];
  const valuations: FacilityValuationEntity[] = [];
  const alerts: AlertEntity[] = [];
  const answers: SatisfactionResponseEntity[] = [];
  const products: { p: ProductEntity; segments: SegmentEntity[] }[] = [];

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, token = analyst) => {
    const res = await server.gql<T>(token, query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data as T;
  };
  const code = (id: number | null | undefined) =>
    id === null || id === undefined ? null : Object.values(seg).find((s) => s.id === id)!.code;

  // ---- the oracle: the definitions of the contract, in plain TypeScript over the seeded rows
  const snapOn = (clientId: number, date: string) =>
    snapshots.filter((s) => s.clientId === clientId && s.asOf <= date).sort((a, b) => (a.asOf < b.asOf ? 1 : -1))[0];
  const keyAt = (c: ClientEntity, date: string) => code(snapOn(c.id, date)?.segmentId ?? null);
  const leftForce = (f: CreditFacilityEntity) =>
    f.defaultedAt ? day(f.defaultedAt) : f.status === FacilityStatus.CLOSED ? day(f.updatedAt) : null;
  const inForceAt = (f: CreditFacilityEntity, d: string) =>
    f.startDate !== null && f.startDate <= d && (leftForce(f) === null || leftForce(f)! > d);
  const inForceDuring = (f: CreditFacilityEntity, from: string, to: string) =>
    f.startDate !== null && f.startDate <= to && (leftForce(f) === null || leftForce(f)! >= from);
  const usedAt = (f: CreditFacilityEntity, d: string) =>
    valuations.filter((v) => v.facilityId === f.id && v.asOf <= d).sort((a, b) => (a.asOf < b.asOf ? 1 : -1))[0]
      ?.usedAmount ?? new Decimal(0);
  const liveSegment = (c: ClientEntity) => {
    const p = portraits.filter((x) => x.clientId === c.id).sort((a, b) => b.id - a.id)[0];
    if (!p) return null;
    const avg = p.avgDailyAssets20d;
    return avg.gte(10_000_000) ? "A" : avg.gte(1_000_000) ? "B" : avg.gte(500_000) ? "C" : null;
  };

  function expectedPerformance(from: string, to: string) {
    const keys: (string | null)[] = ["A", "B", "C", null];
    return keys.map((k) => {
      const members = clients.filter((c) => c.openedAt <= to && keyAt(c, to) === k);
      const fs = facilities.filter((f) => members.some((c) => c.id === f.clientId));
      const during = fs.filter((f) => inForceDuring(f, from, to));
      const atTo = fs.filter((f) => inForceAt(f, to));
      const approved = atTo.reduce((s, f) => s.plus(f.approvedLimit ?? 0), new Decimal(0));
      const used = atTo.reduce((s, f) => s.plus(usedAt(f, to)), new Decimal(0));
      const mc = during.filter((f) =>
        alerts.some(
          (a) =>
            a.facilityId === f.id &&
            a.kind === AlertKind.MARGIN_CALL &&
            day(a.raisedAt) >= from &&
            day(a.raisedAt) <= to,
        ),
      ).length;
      const defaults = during.filter(
        (f) => f.defaultedAt && day(f.defaultedAt) >= from && day(f.defaultedAt) <= to,
      ).length;
      let interest = new Decimal(0);
      for (let d = from; d <= to; d = addDay(d))
        for (const f of fs) interest = interest.plus(usedAt(f, d).times(f.annualRate).div(365));
      const mine = answers.filter((a) => {
        if (a.surveyedOn < from || a.surveyedOn > to) return false;
        const c = clients.find((x) => x.id === a.clientId)!;
        const s = snapOn(c.id, a.surveyedOn);
        return (s === undefined ? liveSegment(c) : code(s.segmentId)) === k;
      });
      const pro = mine.filter((a) => a.score >= 9).length;
      const det = mine.filter((a) => a.score <= 6).length;
      return {
        segment: k === null ? null : { code: k },
        clientCount: members.length,
        facilitiesInForce: during.length,
        facilitiesOpened: fs.filter((f) => f.startDate !== null && f.startDate >= from && f.startDate <= to).length,
        utilization: approved.isZero() ? null : r4(used.div(approved)),
        marginCallRate: during.length === 0 ? null : r4(new Decimal(mc).div(during.length)),
        defaultRate: during.length === 0 ? null : r4(new Decimal(defaults).div(during.length)),
        interestIncome: interest.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
        satisfactionResponses: mine.length,
        nps:
          mine.length === 0
            ? null
            : new Decimal(pro - det).times(100).div(mine.length).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
      };
    });
  }

  beforeAll(async () => {
    db = await engine.create();
    const { ds } = db;
    server = await startTestServer(ds, new Date("2026-11-27T08:00:00.000Z"));
    analyst = await server.token(Role.ANALYST, { sub: "analyst-sun" });
    seg = await defaultSegments(ds);
    const productP = await buildProduct(ds, { code: "P-AB", annualRate: new Decimal("0.0835") }, [seg.A, seg.B]);
    const productQ = await buildProduct(ds, { code: "Q-C", annualRate: new Decimal("0.0600") }, [seg.C]);
    products.push({ p: productP, segments: [seg.A, seg.B] }, { p: productQ, segments: [seg.C] });
    const client = async (
      avg: string | null,
      o: { status?: ClientStatus } = {},
      score = 70,
      rating = CreditRating.A,
    ) => {
      const c = await buildClient(ds, o);
      await buildAssessment(ds, c);
      clients.push(c);
      if (avg !== null) {
        portraits.push(
          await buildPortrait(ds, c, {
            asOf: "2026-09-30",
            avgDailyAssets20d: new Decimal(avg),
            creditScore: score,
            creditRating: rating,
          }),
        );
        portraits.push(await buildPortrait(ds, c, { asOf: "2026-11-26", avgDailyAssets20d: new Decimal(avg) }));
      }
      return c;
    };
    const snap = async (c: ClientEntity, asOf: string, s: SegmentEntity | null, avg: string, n = 0, limit = "0") =>
      snapshots.push(
        await buildSegmentSnapshot(ds, c, asOf, s, {
          avgDailyAssets20d: new Decimal(avg),
          facilitiesInForce: n,
          approvedLimit: new Decimal(limit),
        }),
      );
    const facility = async (c: ClientEntity, product: ProductEntity, o: Partial<CreditFacilityEntity>) => {
      const f = await buildFacility(ds, c, product, { createdAt: new Date("2026-05-01T02:00:00.000Z"), ...o });
      facilities.push(f);
      return f;
    };
    const value = async (f: CreditFacilityEntity, asOf: string, used: string) =>
      valuations.push(await buildValuation(ds, f, asOf, used));
    const answer = async (c: ClientEntity, surveyedOn: string, score: number) =>
      answers.push(await buildSatisfaction(ds, c, { surveyedOn, score }));

    // c1 moves B → A in the middle of the period.
    const c1 = await client("12000000.00", {}, 85, CreditRating.AA);
    await snap(c1, "2026-09-30", seg.B, "3000000.00", 1, "1000000");
    await snap(c1, "2026-10-31", seg.A, "11000000.55", 1, "1000000");
    await snap(c1, "2026-11-26", seg.A, "12000000.00", 1, "1000000");
    const f1 = await facility(c1, productP, {
      startDate: "2026-09-25",
      approvedLimit: new Decimal("1000000"),
      annualRate: new Decimal("0.0835"),
    });
    await value(f1, "2026-09-25", "200000.00");
    await value(f1, "2026-10-20", "500000.55");
    await value(f1, "2026-11-10", "300000.10");
    alerts.push(
      await buildAlert(ds, f1, {
        kind: AlertKind.MARGIN_CALL,
        raisedAt: new Date("2026-11-03T07:00:00.000Z"),
        resolvedAt: new Date("2026-11-04T07:00:00.000Z"),
      }),
    );
    // c2 stays in C; one facility defaults in the period, one closed in it.
    const c2 = await client("600000.00", {}, 70, CreditRating.A);
    for (const d of ["2026-09-30", "2026-10-31", "2026-11-24", "2026-11-26"])
      await snap(c2, d, seg.C, "600000.00", 2, "600000");
    const f2 = await facility(c2, productQ, {
      status: FacilityStatus.LIQUIDATING,
      startDate: "2026-08-01",
      approvedLimit: new Decimal("400000"),
      annualRate: new Decimal("0.0600"),
      defaultedAt: new Date("2026-11-15T03:00:00.000Z"),
    });
    await value(f2, "2026-09-15", "100000.00");
    await value(f2, "2026-11-14", "380000.00");
    const f3 = await facility(c2, productQ, {
      status: FacilityStatus.CLOSED,
      startDate: "2026-06-01",
      approvedLimit: new Decimal("200000"),
      annualRate: new Decimal("0.0600"),
      updatedAt: new Date("2026-10-10T05:00:00.000Z"),
    });
    await value(f3, "2026-06-01", "50000.00");
    await value(f3, "2026-10-09", "0.00");
    // c3: no segment on 30 September, B after; a facility signed in the period.
    const c3 = await client("1500000.00", {}, 55, CreditRating.BB);
    await snap(c3, "2026-09-30", null, "400000.00");
    await snap(c3, "2026-10-31", seg.B, "1500000.00", 0, "0");
    await snap(c3, "2026-11-26", seg.B, "1500000.00", 1, "600000");
    const f4 = await facility(c3, productP, { startDate: "2026-11-20", approvedLimit: new Decimal("600000") });
    await value(f4, "2026-11-21", "100000.00");
    // c4 has no snapshot at all: in the no-segment row, its answers by its latest portrait (C).
    const c4 = await client("600000.00", {}, 70, CreditRating.A);
    const f6 = await facility(c4, productQ, { startDate: "2026-03-01", approvedLimit: new Decimal("100000") });
    await value(f6, "2026-05-01", "1000.00");
    // c5 is snapshotted in no segment; a facility never valued.
    const c5 = await client("100000.00", { status: ClientStatus.RESTRICTED }, 90, CreditRating.AAA);
    await snap(c5, "2026-11-26", null, "100000.00", 1, "300000");
    await facility(c5, productQ, { startDate: "2026-01-01", approvedLimit: new Decimal("300000") });

    await answer(c1, "2026-10-15", 10); // B on that day
    await answer(c1, "2026-11-20", 6); // A
    await answer(c2, "2026-10-01", 9);
    await answer(c2, "2026-11-01", 9);
    await answer(c2, "2026-11-02", 3);
    await answer(c3, "2026-10-02", 7); // no segment on that day
    await answer(c4, "2026-10-03", 10); // no snapshot: C, by its latest portrait
    await answer(c5, "2026-11-26", 0);
    await answer(c5, "2026-09-01", 10); // before the period
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const PERFORMANCE = `query($from: Date!, $to: Date!) { segmentPerformance(from: $from, to: $to) {
    segment { code } clientCount facilitiesInForce facilitiesOpened utilization marginCallRate defaultRate
    interestIncome satisfactionResponses nps } }`;

  it("SPEC §13: segmentPerformance over a period equals the figures worked out row by row, the no-segment row last", async () => {
    const data = await gql<{ segmentPerformance: unknown[] }>(PERFORMANCE, { from: FROM, to: TO });
    const want = expectedPerformance(FROM, TO);
    expect(data.segmentPerformance).toEqual(want);
    // The book is not trivial: each figure is non-zero somewhere.
    expect(want.find((r) => r.segment?.code === "A")).toMatchObject({ marginCallRate: "1.0000", clientCount: 1 });
    expect(want.find((r) => r.segment?.code === "C")!.defaultRate).not.toBeNull();
    expect(want.find((r) => r.segment === null)!.clientCount).toBe(2);
  });

  it("SPEC §13: Segment.performance is the segment's row; an empty period has null rates and NPS, zero interest", async () => {
    const one = await gql<{ segment: { performance: unknown } }>(
      `query($from: Date!, $to: Date!) { segment(code: "C") { performance(from: $from, to: $to) {
        segment { code } clientCount facilitiesInForce facilitiesOpened utilization marginCallRate defaultRate
        interestIncome satisfactionResponses nps } } }`,
      { from: FROM, to: TO },
    );
    expect(one.segment.performance).toEqual(expectedPerformance(FROM, TO)[2]);
    const empty = await gql<{ segmentPerformance: Record<string, unknown>[] }>(PERFORMANCE, {
      from: "2020-01-01",
      to: "2020-01-31",
    });
    expect(empty.segmentPerformance).toEqual(expectedPerformance("2020-01-01", "2020-01-31"));
    for (const r of empty.segmentPerformance) {
      expect(r).toMatchObject({
        utilization: null,
        marginCallRate: null,
        defaultRate: null,
        nps: null,
        interestIncome: "0.00",
      });
    }
  });

  it("SPEC §13: Segment.history gives each period's last snapshot date in [from, to], by DAY, WEEK and MONTH", async () => {
    const dates = [...new Set(snapshots.map((s) => s.asOf))]
      .filter((d) => d >= "2026-09-01" && d <= "2026-11-30")
      .sort();
    const week = (d: string) => addDay(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7));
    const periodKey = { DAY: (d: string) => d, WEEK: week, MONTH: (d: string) => d.slice(0, 7) };
    for (const interval of ["DAY", "WEEK", "MONTH"] as const) {
      const last = new Map<string, string>();
      for (const d of dates) last.set(periodKey[interval](d), d);
      const want = [...last.values()].map((d) => {
        const rows = snapshots.filter((s) => s.asOf === d && s.segmentId === seg.C.id);
        return {
          date: d,
          clientCount: rows.length,
          totalAvgDailyAssets: rows.reduce((s, r) => s.plus(r.avgDailyAssets20d), new Decimal(0)).toFixed(2),
          activeFacilityCount: rows.reduce((s, r) => s + r.facilitiesInForce, 0),
          totalApprovedLimit: rows.reduce((s, r) => s.plus(r.approvedLimit), new Decimal(0)).toFixed(2),
        };
      });
      const data = await gql<{ segment: { history: unknown[] } }>(
        `query($i: HistoryInterval) { segment(code: "C") { history(from: "2026-09-01", to: "2026-11-30", interval: $i) {
          date clientCount totalAvgDailyAssets activeFacilityCount totalApprovedLimit } } }`,
        { i: interval },
      );
      expect(data.segment.history).toEqual(want);
    }
    const a = await gql<{ segment: { history: { date: string; clientCount: number }[] } }>(
      `{ segment(code: "A") { history(from: "2026-09-01", to: "2026-11-30", interval: DAY) { date clientCount } } }`,
    );
    // A period in which the segment had nobody is a point with zeros, not a gap.
    expect(a.segment.history.map((p) => [p.date, p.clientCount])).toEqual([
      ["2026-09-30", 0],
      ["2026-10-31", 1],
      ["2026-11-24", 0],
      ["2026-11-26", 1],
    ]);
  });

  it("SPEC §13: segmentMigration counts clients by segment on the last snapshot ≤ from and ≤ to", async () => {
    const data = await gql<{
      segmentMigration: {
        fromSegment: { code: string } | null;
        toSegment: { code: string } | null;
        clientCount: number;
      }[];
    }>(
      `query($from: Date!, $to: Date!) { segmentMigration(from: $from, to: $to) { fromSegment { code } toSegment { code } clientCount } }`,
      { from: FROM, to: TO },
    );
    const cells = new Map<string, number>();
    for (const c of clients) {
      if (snapOn(c.id, TO) === undefined) continue;
      const k = `${keyAt(c, FROM)}→${keyAt(c, TO)}`;
      cells.set(k, (cells.get(k) ?? 0) + 1);
    }
    const got = new Map(
      data.segmentMigration.map((m) => [`${m.fromSegment?.code ?? null}→${m.toSegment?.code ?? null}`, m.clientCount]),
    );
    expect(got).toEqual(cells);
    expect(got.get("B→A")).toBe(1);
    expect(got.get("null→B")).toBe(1);
  });

  it("SPEC §13: creditModelPerformance — AUC with ties counted half, KS and bad rate per rating, as pair by pair", async () => {
    const cohortDate = "2026-09-30";
    const horizon = 60;
    const end = addDay(cohortDate, horizon);
    const cohort = clients
      .map((c) => {
        const p = portraits.filter((x) => x.clientId === c.id && x.asOf <= cohortDate).sort((a, b) => b.id - a.id)[0];
        const open = facilities.some(
          (f) =>
            f.clientId === c.id &&
            day(f.createdAt) <= cohortDate &&
            !(
              (f.status === FacilityStatus.CLOSED || f.status === FacilityStatus.REJECTED) &&
              day(f.updatedAt) <= cohortDate
            ),
        );
        if (!p || !open) return null;
        const mine = facilities.filter((f) => f.clientId === c.id);
        const bad =
          alerts.some(
            (a) =>
              a.clientId === c.id &&
              a.kind === AlertKind.MARGIN_CALL &&
              day(a.raisedAt) > cohortDate &&
              day(a.raisedAt) <= end,
          ) || mine.some((f) => f.defaultedAt && day(f.defaultedAt) > cohortDate && day(f.defaultedAt) <= end);
        return { score: p.creditScore, rating: p.creditRating, bad };
      })
      .filter((x): x is { score: number; rating: CreditRating; bad: boolean } => x !== null);
    const goods = cohort.filter((x) => !x.bad);
    const bads = cohort.filter((x) => x.bad);
    let wins = new Decimal(0);
    for (const g of goods)
      for (const b of bads) wins = wins.plus(g.score > b.score ? 1 : g.score === b.score ? 0.5 : 0);
    let ks = new Decimal(0);
    for (const t of cohort.map((x) => x.score)) {
      const gap = new Decimal(bads.filter((b) => b.score <= t).length)
        .div(bads.length)
        .minus(new Decimal(goods.filter((g) => g.score <= t).length).div(goods.length))
        .abs();
      if (gap.gt(ks)) ks = gap;
    }
    const ratings = ["AAA", "AA", "A", "BBB", "BB", "B", "C"]
      .filter((r) => cohort.some((x) => x.rating === r))
      .map((r) => {
        const of = cohort.filter((x) => x.rating === r);
        const b = of.filter((x) => x.bad).length;
        return { creditRating: r, clients: of.length, bads: b, badRate: r4(new Decimal(b).div(of.length)) };
      });
    // c2 (bad) and c4 (good) tie at 70.
    expect(goods.some((g) => bads.some((b) => b.score === g.score))).toBe(true);
    const data = await gql<{ creditModelPerformance: unknown }>(
      `query($d: Date!, $h: Int) { creditModelPerformance(cohortDate: $d, horizonDays: $h) {
        cohortDate horizonDays clients bads auc ks ratings { creditRating clients bads badRate } } }`,
      { d: cohortDate, h: horizon },
    );
    expect(data.creditModelPerformance).toEqual({
      cohortDate,
      horizonDays: horizon,
      clients: cohort.length,
      bads: bads.length,
      auc: r4(wins.div(goods.length * bads.length)),
      ks: r4(ks),
      ratings,
    });
    // Without both goods and bads there is no AUC or KS.
    const none = await gql<{ creditModelPerformance: { clients: number; auc: null; ks: null } }>(
      `{ creditModelPerformance(cohortDate: "2020-01-01") { clients auc ks ratings { creditRating } } }`,
    );
    expect(none.creditModelPerformance).toEqual({ clients: 0, auc: null, ks: null, ratings: [] });
  });

  it("SPEC §13: previewSegmentChange places every client under the changed segments and counts each product's gains and losses, storing nothing", async () => {
    // C widened to 2,000,000 and checked before B: c3 (1,500,000) would move B → C.
    const input = {
      code: "C",
      name: "Widened C",
      priority: 15,
      criteria: { minAvgDailyAssets: "500000", maxAvgDailyAssets: "2000000" },
      strategy: { approvalTier: "AUTO", reviewIntervalDays: 180, advisoryService: false },
    };
    const segmentsBefore = await db.ds.query("SELECT * FROM `segment` ORDER BY `id`");
    const data = await gql<{
      previewSegmentChange: {
        clientsAssessed: number;
        moves: { fromSegment: { code: string } | null; toSegment: { code: string } | null; clientCount: number }[];
        productEligibility: { product: { code: string }; gaining: number; losing: number }[];
      };
    }>(
      `query($input: UpsertSegmentInput!) { previewSegmentChange(input: $input) { clientsAssessed
        moves { fromSegment { code } toSegment { code } clientCount } productEligibility { product { code } gaining losing } } }`,
      { input },
    );
    expect(await db.ds.query("SELECT * FROM `segment` ORDER BY `id`")).toEqual(segmentsBefore);
    // The oracle: the pure matching functions on each client's latest portrait.
    const now = server.clock.now();
    const nowDefs = activeSegments(Object.values(seg));
    const changed = {
      ...seg.C,
      priority: 15,
      maxAvgDailyAssets: new Decimal(2_000_000),
      minAvgDailyAssets: new Decimal(500_000),
    };
    const afterDefs = activeSegments([seg.A, seg.B, changed]).sort((a, b) => a.priority - b.priority);
    const moves = new Map<string, number>();
    const elig = new Map(products.map(({ p }) => [p.code, { gaining: 0, losing: 0 }]));
    for (const c of clients) {
      const p = portraits.filter((x) => x.clientId === c.id).sort((a, b) => b.id - a.id)[0];
      if (!p) continue;
      const subject = subjectOf(c, p, new Date("2028-01-15T02:00:00.000Z"), now)!;
      const before = bestSegment(subject, nowDefs)?.code ?? null;
      const after = bestSegment(subject, afterDefs)?.code ?? null;
      moves.set(`${before}→${after}`, (moves.get(`${before}→${after}`) ?? 0) + 1);
      for (const { p: product, segments } of products) {
        const ref = productRef(
          product,
          segments.map((s) => s.code),
        );
        const fit = (code: string | null) =>
          productFit(subject, ref, {
            segmentCode: code,
            openLimitsExcluding: () =>
              openLimitsExcluding(
                facilities.filter((f) => f.clientId === c.id),
                product.id,
              ),
          }).eligible;
        const e = elig.get(product.code)!;
        if (!fit(before) && fit(after)) e.gaining += 1;
        if (fit(before) && !fit(after)) e.losing += 1;
      }
    }
    const got = data.previewSegmentChange;
    expect(got.clientsAssessed).toBe(clients.filter((c) => portraits.some((p) => p.clientId === c.id)).length);
    expect(
      new Map(got.moves.map((m) => [`${m.fromSegment?.code ?? null}→${m.toSegment?.code ?? null}`, m.clientCount])),
    ).toEqual(moves);
    expect(moves.get("B→C")).toBe(1);
    expect(
      new Map(got.productEligibility.map((e) => [e.product.code, { gaining: e.gaining, losing: e.losing }])),
    ).toEqual(elig);
    expect(elig.get("P-AB")!.losing + elig.get("Q-C")!.gaining).toBeGreaterThan(0);
  });

  it.each([
    ["VIEWER", Role.VIEWER],
    ["RELATIONSHIP_MANAGER", Role.RELATIONSHIP_MANAGER],
  ])("SPEC §13: %s is refused every tracking read with FORBIDDEN", async (_, role) => {
    const token = await server.token(role, { sub: "someone", branch: "SH-PUDONG" });
    for (const q of [
      `{ segmentMigration(from: "${FROM}", to: "${TO}") { clientCount } }`,
      `{ segmentPerformance(from: "${FROM}", to: "${TO}") { clientCount } }`,
      `{ creditModelPerformance(cohortDate: "${FROM}") { clients } }`,
      `{ segment(code: "A") { history(from: "${FROM}", to: "${TO}") { date } } }`,
      `{ segment(code: "A") { performance(from: "${FROM}", to: "${TO}") { clientCount } } }`,
      `{ previewSegmentChange(input: { code: "A", name: "A", priority: 10, criteria: {}, strategy: { approvalTier: AUTO, reviewIntervalDays: 30, advisoryService: false } }) { clientsAssessed } }`,
    ]) {
      const res = await server.gql(token, q);
      expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("SPEC §13: COMPLIANCE reads the figures but may not preview a change", async () => {
    const compliance = await server.token(Role.COMPLIANCE, { sub: "cmp-chen" });
    const ok = await server.gql(compliance, `{ segmentPerformance(from: "${FROM}", to: "${TO}") { clientCount } }`);
    expect(ok.body.errors).toBeUndefined();
    const preview = await server.gql(
      compliance,
      `{ previewSegmentChange(input: { code: "A", name: "A", priority: 10, criteria: {}, strategy: { approvalTier: AUTO, reviewIntervalDays: 30, advisoryService: false } }) { clientsAssessed } }`,
    );
    expect(preview.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const bad = await server.gql(analyst, `{ segmentPerformance(from: "${TO}", to: "${FROM}") { clientCount } }`);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("SPEC §13: recordFacilityValuations keeps the history the figures read, one row per facility and date", async () => {
    const ro = await server.token(Role.RISK_OFFICER, { sub: "ro-li" });
    const f = facilities[0];
    const record = (used: string) =>
      server.gql<{ recordFacilityValuations: { userErrors: unknown[] } }>(
        ro,
        `mutation($input: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $input) { userErrors { code } } }`,
        {
          input: {
            valuations: [
              {
                facilityId: toGlobalId("CreditFacility", f.id),
                asOf: "2026-11-27",
                usedAmount: used,
                collateralValue: "2000000",
              },
            ],
          },
        },
      );
    expect((await record("400000.00")).body.data!.recordFacilityValuations.userErrors).toEqual([]);
    expect((await record("450000.25")).body.data!.recordFacilityValuations.userErrors).toEqual([]);
    const rows = (await db.ds.query(
      "SELECT `usedAmount` FROM `facility_valuation` WHERE `facilityId` = ? AND `asOf` = '2026-11-27'",
      [f.id],
    )) as { usedAmount: unknown }[];
    expect(rows.map((r) => new Decimal(String(r.usedAmount)).toFixed(2))).toEqual(["450000.25"]);
  });
});
