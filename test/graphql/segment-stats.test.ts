import Decimal from "decimal.js";
import { Role } from "../../src/domain/enums";
import { seedDemoBook } from "../../src/seed/demo-book";
import { ENGINES, type TestDatabase } from "../support/engines";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §8 segment stats, computed in the database in one grouped scan, against the same figures
 * summed here from the segment's members one by one, for every segment of a seeded book.
 */

interface Member {
  portrait: { avgDailyAssets20d: string; riskLevel: string | null; creditRating: string };
}
interface Stats {
  clientCount: number;
  totalAvgDailyAssets: string;
  meanAvgDailyAssets: string;
  riskLevels: { riskLevel: string | null; count: number }[];
  creditRatings: { creditRating: string; count: number }[];
}

describe.each(ENGINES)("segment stats on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await engine.create();
    await seedDemoBook(db.ds, { clients: 300, seed: 5, asOf: "2026-11-27" });
    server = await startTestServer(db.ds);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("count, total, mean and both distributions equal the members' own figures, for every segment (SPEC §8)", async () => {
    const token = await server.token(Role.ANALYST);
    const segments = await server.gql<{ segments: { code: string }[] }>(token, `{ segments { code } }`);
    const codes = segments.body.data!.segments.map((s) => s.code);
    expect(codes.length).toBeGreaterThan(1);
    let seen = 0;
    for (const code of codes) {
      const res = await server.gql<{ segment: { stats: Stats; members: { nodes: Member[] } } }>(
        token,
        `query($code: String!) { segment(code: $code) {
           stats { clientCount totalAvgDailyAssets meanAvgDailyAssets riskLevels { riskLevel count } creditRatings { creditRating count } }
           members(first: 500) { nodes { portrait { avgDailyAssets20d riskLevel creditRating } } } } }`,
        { code },
      );
      expect(res.body.errors).toBeUndefined();
      const { stats, members } = res.body.data!.segment;
      const total = members.nodes.reduce((sum, m) => sum.plus(m.portrait.avgDailyAssets20d), new Decimal(0));
      const tally = (key: (m: Member) => string | null) => {
        const map = new Map<string | null, number>();
        for (const m of members.nodes) map.set(key(m), (map.get(key(m)) ?? 0) + 1);
        return map;
      };
      const levels = tally((m) => m.portrait.riskLevel);
      const ratings = tally((m) => m.portrait.creditRating);
      expect(stats.clientCount).toBe(members.nodes.length);
      expect(stats.totalAvgDailyAssets).toBe(total.toFixed(2));
      expect(stats.meanAvgDailyAssets).toBe(
        (members.nodes.length === 0 ? total : total.div(members.nodes.length)).toFixed(2, Decimal.ROUND_HALF_UP),
      );
      expect(new Map(stats.riskLevels.map((l) => [l.riskLevel, l.count]))).toEqual(levels);
      expect(new Map(stats.creditRatings.map((r) => [r.creditRating, r.count]))).toEqual(ratings);
      seen += members.nodes.length;
    }
    expect(seen).toBeGreaterThan(100);
  });
});
