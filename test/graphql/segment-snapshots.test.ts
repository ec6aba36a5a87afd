import Decimal from "decimal.js";
import { FacilityStatus, Role } from "../../src/domain/enums";
import type { ClientEntity, CreditFacilityEntity, PortraitEntity } from "../../src/entities";
import { auditRows, defaultSegments, plainProduct } from "../lifecycle/helpers";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildFacility, buildPortrait } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §13 snapshotSegments: every client opened by asOf placed by its latest portrait dated on or
 * before asOf and the active segments, with its facilities in force at the end of asOf; idempotent per
 * date; RISK_OFFICER and ADMIN only. The expected rows are worked out here from the seeded rows with
 * plain TypeScript (the default thresholds A ≥ 10,000,000 > B ≥ 1,000,000 > C ≥ 500,000).
 */

const SNAPSHOT = `mutation($input: SnapshotSegmentsInput!) { snapshotSegments(input: $input) { count userErrors { code field } } }`;
const AS_OF = "2026-11-26";

type Row = {
  clientId: number;
  segment: string | null;
  portraitId: number | null;
  avg: string;
  n: number;
  limit: string;
};

describe.each(ENGINES)("the segment snapshot on $name (SPEC §13)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  const clients: ClientEntity[] = [];
  const portraits: PortraitEntity[] = [];
  const facilities: CreditFacilityEntity[] = [];
  let ro: string;

  const run = async (token: string, asOf: string) => {
    const res = await server.gql<{ snapshotSegments: { count: number; userErrors: unknown[] } }>(token, SNAPSHOT, {
      input: { asOf },
    });
    return res;
  };
  const stored = async (asOf: string): Promise<Row[]> => {
    const rows = (await db.ds.query(
      "SELECT s.`clientId`, g.`code`, s.`portraitId`, s.`avgDailyAssets20d` AS avg, s.`facilitiesInForce` AS n, s.`approvedLimit` AS lim FROM `segment_snapshot` s LEFT JOIN `segment` g ON g.`id` = s.`segmentId` WHERE s.`asOf` = ? ORDER BY s.`clientId`",
      [asOf],
    )) as { clientId: unknown; code: string | null; portraitId: unknown; avg: unknown; n: unknown; lim: unknown }[];
    return rows.map((r) => ({
      clientId: Number(r.clientId),
      segment: r.code,
      portraitId: r.portraitId === null ? null : Number(r.portraitId),
      avg: new Decimal(String(r.avg)).toFixed(2),
      n: Number(r.n),
      limit: new Decimal(String(r.lim)).toFixed(2),
    }));
  };

  /** The snapshot worked out from the seeded rows, with no SQL. */
  const expected = (asOf: string): Row[] =>
    clients
      .filter((c) => c.openedAt <= asOf)
      .map((c) => {
        const p =
          portraits
            .filter((x) => x.clientId === c.id && x.asOf <= asOf)
            .sort((a, b) => (a.asOf === b.asOf ? b.id - a.id : a.asOf < b.asOf ? 1 : -1))[0] ?? null;
        const avg = p?.avgDailyAssets20d ?? new Decimal(0);
        const segment =
          p === null ? null : avg.gte(10_000_000) ? "A" : avg.gte(1_000_000) ? "B" : avg.gte(500_000) ? "C" : null;
        const next = `${new Date(Date.parse(`${asOf}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}`;
        const inForce = facilities.filter(
          (f) =>
            f.clientId === c.id &&
            f.startDate !== null &&
            f.startDate <= asOf &&
            (f.defaultedAt === null || f.defaultedAt.toISOString().slice(0, 10) >= next) &&
            (f.status !== FacilityStatus.CLOSED || f.updatedAt.toISOString().slice(0, 10) >= next),
        );
        return {
          clientId: c.id,
          segment,
          portraitId: p?.id ?? null,
          avg: avg.toFixed(2),
          n: inForce.length,
          limit: inForce.reduce((s, f) => s.plus(f.approvedLimit ?? 0), new Decimal(0)).toFixed(2),
        };
      });

  beforeAll(async () => {
    db = await engine.create();
    server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"));
    ro = await server.token(Role.RISK_OFFICER, { sub: "ro-li" });
    await defaultSegments(db.ds);
    const product = await plainProduct(db.ds);
    const client = async (openedAt = "2020-01-02") => {
      const c = await buildClient(db.ds, { openedAt });
      clients.push(c);
      return c;
    };
    const portrait = async (c: ClientEntity, asOf: string, avg: string) =>
      portraits.push(await buildPortrait(db.ds, c, { asOf, avgDailyAssets20d: new Decimal(avg) }));
    const facility = async (c: ClientEntity, o: Partial<CreditFacilityEntity>) =>
      facilities.push(await buildFacility(db.ds, c, product, o));

    // Moves from A (October) to B (November): the snapshot of each date takes its own portrait.
    const mover = await client();
    await portrait(mover, "2026-10-30", "12000000.00");
    await portrait(mover, "2026-11-20", "3200000.00");
    await facility(mover, { startDate: "2026-09-01", approvedLimit: new Decimal("1500000") });
    // Closed before asOf, and closed after asOf (still in force at the end of asOf).
    await facility(mover, {
      status: FacilityStatus.CLOSED,
      startDate: "2026-06-01",
      approvedLimit: new Decimal("400000"),
      updatedAt: new Date("2026-11-10T06:00:00.000Z"),
    });
    await facility(mover, {
      status: FacilityStatus.CLOSED,
      startDate: "2026-06-01",
      approvedLimit: new Decimal("250000"),
      updatedAt: new Date("2026-11-27T02:00:00.000Z"),
    });
    const c = await client();
    await portrait(c, "2026-11-25", "600000.00");
    // Went to LIQUIDATING the day after asOf: in force at the end of asOf; one signed after asOf is not.
    await facility(c, {
      status: FacilityStatus.LIQUIDATING,
      startDate: "2026-08-01",
      approvedLimit: new Decimal("300000.50"),
      defaultedAt: new Date("2026-11-27T03:00:00.000Z"),
    });
    await facility(c, { startDate: "2026-11-27", approvedLimit: new Decimal("200000") });
    await facility(c, { status: FacilityStatus.PENDING_APPROVAL, startDate: null, approvedLimit: null });
    const small = await client();
    await portrait(small, "2026-11-25", "100000.00");
    await client(); // no portrait at all: in no segment
    const late = await client();
    await portrait(late, "2026-11-27", "20000000.00"); // its only portrait is dated after asOf
    await client("2026-11-27"); // opened after asOf: not in that date's snapshot
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("SPEC §13: places every client opened by asOf by its latest portrait on or before it, with its facilities in force", async () => {
    const res = await run(ro, AS_OF);
    expect(res.body.errors).toBeUndefined();
    const want = expected(AS_OF);
    expect(want.map((r) => r.segment)).toEqual(["B", "C", null, null, null]);
    expect(want.map((r) => r.n)).toEqual([2, 1, 0, 0, 0]);
    expect(res.body.data!.snapshotSegments).toEqual({ count: want.length, userErrors: [] });
    expect(await stored(AS_OF)).toEqual(want);
    const batches = (await auditRows(db.ds)).filter((a) => a.action === "snapshotSegments");
    expect(batches.map((a) => [a.actor, a.entityType, a.entityId])).toEqual([
      ["ro-li", "Batch", `snapshotSegments:${AS_OF}`],
    ]);
    expect(JSON.parse(batches[0].changes!)).toMatchObject({ asOf: AS_OF, created: want.length });
  });

  it("SPEC §13: is idempotent per date — a second run writes nothing; a changed portrait rewrites that client only", async () => {
    const before = await stored(AS_OF);
    const again = await run(ro, AS_OF);
    expect(again.body.data!.snapshotSegments).toEqual({ count: 0, userErrors: [] });
    expect(await stored(AS_OF)).toEqual(before);
    const small = clients[2];
    portraits.push(
      await buildPortrait(db.ds, small, { asOf: "2026-11-26", avgDailyAssets20d: new Decimal("1500000") }),
    );
    const third = await run(ro, AS_OF);
    expect(third.body.data!.snapshotSegments.count).toBe(1);
    expect(await stored(AS_OF)).toEqual(expected(AS_OF));
    expect((await stored(AS_OF)).find((r) => r.clientId === small.id)!.segment).toBe("B");
  });

  it("SPEC §13: another date is its own snapshot, from the portraits dated by then", async () => {
    const res = await run(ro, "2026-10-31");
    const want = expected("2026-10-31");
    expect(want[0].segment).toBe("A");
    expect(res.body.data!.snapshotSegments.count).toBe(want.length);
    expect(await stored("2026-10-31")).toEqual(want);
    expect(await stored(AS_OF)).toEqual(expected(AS_OF));
  });

  it("SPEC §13: an ADMIN runs it too; a date after today is INVALID", async () => {
    const admin = await server.token(Role.ADMIN, { sub: "admin-wu" });
    expect((await run(admin, AS_OF)).body.data!.snapshotSegments).toEqual({ count: 0, userErrors: [] });
    const future = await run(admin, "2026-11-28");
    expect(future.body.data!.snapshotSegments).toEqual({
      count: 0,
      userErrors: [{ code: "INVALID", field: ["input", "asOf"] }],
    });
  });

  it.each([Role.VIEWER, Role.ANALYST, Role.RELATIONSHIP_MANAGER, Role.COMPLIANCE])(
    "SPEC §13: %s is refused with FORBIDDEN and nothing is written",
    async (role) => {
      const token = await server.token(role, { sub: "someone", branch: "SH-PUDONG" });
      const res = await run(token, "2026-09-30");
      expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(await stored("2026-09-30")).toEqual([]);
    },
  );
});
