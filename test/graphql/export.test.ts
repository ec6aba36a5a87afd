import Decimal from "decimal.js";
import { Role } from "../../src/domain/enums";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildPortrait, buildSegment } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

describe.each(ENGINES)("segment export on $name (SPEC §8)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    db = await engine.create();
    await buildSegment(db.ds, {
      code: "A",
      priority: 10,
      minAvgDailyAssets: new Decimal(10_000_000),
      maxAvgDailyAssets: null,
    });
    await buildSegment(db.ds, { code: "B", priority: 20 });
    for (let i = 0; i < 2500; i += 1) {
      const avg = i % 5 === 0 ? "12000000.00" : i % 5 === 4 ? "100000.00" : "2000000.50";
      const c = await buildClient(db.ds, {
        clientNo: `E${String(i).padStart(6, "0")}`,
        name: "钱多多",
        branch: i % 2 ? "SH-PUDONG" : "BJ-XICHENG",
      });
      await buildPortrait(db.ds, c, { avgDailyAssets20d: new Decimal(avg) });
    }
    server = await startTestServer(db.ds);
    base = server.url.replace("/graphql", "/export/segments");
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const get = async (path: string, token: string | null) =>
    fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("streams every member as NDJSON, in clientNo order, with the SPEC's columns and no personal data", async () => {
    const res = await get("/B/members?format=ndjson", await server.token(Role.ANALYST));
    expect(res.status).toBe(200);
    const text = await res.text();
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1500);
    expect(Object.keys(lines[0])).toEqual([
      "clientNo",
      "type",
      "branch",
      "riskLevel",
      "creditRating",
      "avgDailyAssets20d",
      "experienceMonths",
      "segment",
      "asOf",
    ]);
    expect(lines[0]).toMatchObject({
      clientNo: "E000001",
      segment: "B",
      avgDailyAssets20d: "2000000.50",
      asOf: "2026-11-26",
    });
    expect(lines.map((l) => l.clientNo)).toEqual([...lines.map((l) => l.clientNo as string)].sort());
    expect(text).not.toContain("钱");
    // the same members as the GraphQL connection
    const gql = await server.gql<{ segment: { members: { totalCount: number } } }>(
      await server.token(Role.ANALYST),
      `{ segment(code: "B") { members(first: 1) { totalCount } } }`,
    );
    expect(gql.body.data!.segment.members.totalCount).toBe(1500);
  });

  it("streams CSV with a header row", async () => {
    const res = await get("/A/members?format=csv", await server.token(Role.COMPLIANCE));
    const rows = (await res.text()).trim().split("\n");
    expect(rows[0]).toBe("clientNo,type,branch,riskLevel,creditRating,avgDailyAssets20d,experienceMonths,segment,asOf");
    expect(rows).toHaveLength(501);
    expect(res.headers.get("content-type")).toContain("text/csv");
  });

  it("answers 401 without a token, 403 to a VIEWER, 404 for an unknown segment, 400 for an unknown format", async () => {
    expect((await get("/B/members", null)).status).toBe(401);
    expect((await get("/B/members", await server.token(Role.VIEWER))).status).toBe(403);
    const analyst = await server.token(Role.ANALYST);
    expect((await get("/NOPE/members", analyst)).status).toBe(404);
    expect((await get("/B/members?format=xml", analyst)).status).toBe(400);
  });

  it("keeps serving after a client disconnects mid-export", async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/B/members`, {
      headers: { authorization: `Bearer ${await server.token(Role.ANALYST)}` },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 100));
    const after = await get("/A/members", await server.token(Role.ANALYST));
    expect((await after.text()).trim().split("\n")).toHaveLength(500);
  });
});
