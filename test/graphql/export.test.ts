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
    // One commit for the 2,500 clients (a commit each took most of the suite's time on MariaDB).
    await db.ds.transaction(async (m) => {
      for (let i = 0; i < 2500; i += 1) {
        const avg = i % 5 === 0 ? "12000000.00" : i % 5 === 4 ? "100000.00" : "2000000.50";
        const c = await buildClient(m, {
          clientNo: `E${String(i).padStart(6, "0")}`,
          name: "钱多多",
          branch: i % 2 ? "SH-PUDONG" : "BJ-XICHENG",
        });
        await buildPortrait(m, c, { avgDailyAssets20d: new Decimal(avg) });
      }
    });
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

/** RFC 4180 rows: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      rows.push([...row, cell]);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe.each(ENGINES)("CSV cells in the segment export on $name (SPEC §10 CSV cells)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  const HOSTILE = ["=1+2", "+SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "\tTAB", "\rCR", '=HYPERLINK("x")'];

  beforeAll(async () => {
    db = await engine.create();
    // Every client is a member: no bounds, and no other segment to win them.
    await buildSegment(db.ds, { code: "-NEG", priority: 1, minAvgDailyAssets: null, maxAvgDailyAssets: null });
    for (const [i, branch] of HOSTILE.entries()) {
      const c = await buildClient(db.ds, { clientNo: `H${i}`, branch });
      await buildPortrait(db.ds, c, { avgDailyAssets20d: new Decimal(i % 2 ? "-1500.50" : "2500.00") });
    }
    const plain = await buildClient(db.ds, { clientNo: "=H9", branch: "SH-PUDONG" });
    await buildPortrait(db.ds, plain, { avgDailyAssets20d: new Decimal("-0.01") });
    server = await startTestServer(db.ds);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("prefixes text cells that begin with =, +, -, @, tab or carriage return with ', and keeps numbers, negative ones too, numeric", async () => {
    const res = await fetch(`${server.url.replace("/graphql", "/export/segments")}/-NEG/members?format=csv`, {
      headers: { authorization: `Bearer ${await server.token(Role.ANALYST)}` },
    });
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(await res.text());
    const col = (name: string) => header.indexOf(name);
    expect(rows).toHaveLength(HOSTILE.length + 1);
    const byClient = new Map(rows.map((r) => [r[col("clientNo")], r]));
    for (const [i, branch] of HOSTILE.entries()) {
      const row = byClient.get(`H${i}`)!;
      expect([branch, row[col("branch")]]).toEqual([branch, `'${branch}`]);
      expect(row[col("segment")]).toBe("'-NEG");
      expect(row[col("avgDailyAssets20d")]).toBe(i % 2 ? "-1500.50" : "2500.00");
    }
    const plain = byClient.get("'=H9")!;
    expect(plain[col("branch")]).toBe("SH-PUDONG");
    expect(plain[col("avgDailyAssets20d")]).toBe("-0.01");
    // No cell a spreadsheet would run is left, header included.
    for (const row of [header, ...rows]) {
      for (const [j, cell] of row.entries()) {
        if (header[j] === "avgDailyAssets20d" && /^-?\d+\.\d{2}$/.test(cell)) continue;
        expect([header[j], cell]).toEqual([header[j], expect.not.stringMatching(/^[=+\-@\t\r]/)]);
      }
    }
  });

  it("leaves NDJSON as the data is: it is read by programs, not spreadsheets", async () => {
    const res = await fetch(`${server.url.replace("/graphql", "/export/segments")}/-NEG/members?format=ndjson`, {
      headers: { authorization: `Bearer ${await server.token(Role.ANALYST)}` },
    });
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { branch: string });
    expect(lines.map((l) => l.branch)).toEqual(expect.arrayContaining(HOSTILE));
  });
});
