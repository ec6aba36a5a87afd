import Decimal from "decimal.js";
import { Role, SatisfactionChannel } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import { open } from "../../src/crypto/personal-data";
import type { ClientEntity, SegmentEntity } from "../../src/entities";
import { auditRows, clientWith, countRows, defaultSegments } from "../lifecycle/helpers";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildSatisfaction, buildSegmentSnapshot } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * SPEC §13 satisfaction: recordSatisfaction (RELATIONSHIP_MANAGER of the client's branch, ADMIN), its
 * coded refusals, and the answers read back latest first with the comment masked for viewers who may
 * not read the client's personal data (SPEC §6, §11).
 */

const RECORD = `mutation($input: RecordSatisfactionInput!) { recordSatisfaction(input: $input) {
  response { id surveyedOn score channel comment segmentCode recordedBy client { clientNo } }
  userErrors { code field message } } }`;
const READ = `query($id: ID!, $first: Int!, $after: String) { client(id: $id) {
  satisfaction(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { id surveyedOn score channel comment segmentCode recordedBy } } } }`;

type Response = {
  id: string;
  surveyedOn: string;
  score: number;
  channel: string;
  comment: string | null;
  segmentCode: string | null;
  recordedBy: string;
};
type Page = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Response[] };
const COMMENT = "客户经理张三很专业，电话13812345678随时能打通";

describe.each(ENGINES)("satisfaction responses on $name (SPEC §13)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let client: ClientEntity;
  let segments: Record<"A" | "B" | "C", SegmentEntity>;
  let rm: string;

  const record = (token: string, input: Record<string, unknown>) =>
    server.gql<{
      recordSatisfaction: { response: (Response & { client: { clientNo: string } }) | null; userErrors: unknown[] };
    }>(token, RECORD, { input: { clientId: toGlobalId("Client", client.id), channel: "PHONE", ...input } });
  const read = async (token: string, first = 50, after: string | null = null) => {
    const res = await server.gql<{ client: { satisfaction: Page } | null }>(token, READ, {
      id: toGlobalId("Client", client.id),
      first,
      after,
    });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.client?.satisfaction ?? null;
  };

  beforeAll(async () => {
    db = await engine.create();
    server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"));
    segments = await defaultSegments(db.ds);
    client = await clientWith(db.ds, { avg: "3200000.00", client: { clientNo: "SAT001" } });
    rm = await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-zhang", branch: "SH-PUDONG" });
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("SPEC §13: a relationship manager of the branch records an answer; the audit entry and the event carry no comment", async () => {
    const res = await record(rm, { surveyedOn: "2026-11-26", score: 9, comment: COMMENT });
    expect(res.body.errors).toBeUndefined();
    const { response, userErrors } = res.body.data!.recordSatisfaction;
    expect(userErrors).toEqual([]);
    expect(response).toMatchObject({
      surveyedOn: "2026-11-26",
      score: 9,
      channel: "PHONE",
      comment: COMMENT,
      recordedBy: "rm-zhang",
      client: { clientNo: "SAT001" },
      // No snapshot yet: the segment of the latest portrait (3,200,000 → B).
      segmentCode: "B",
    });
    const [row] = (await db.ds.query("SELECT `comment`, `score` FROM `satisfaction_response`")) as {
      comment: string;
      score: unknown;
    }[];
    // Sealed at rest (SPEC §14): not the words, which open under the data key.
    expect(row.comment).not.toContain(COMMENT);
    expect(open(row.comment)).toBe(COMMENT);
    const audit = (await auditRows(db.ds)).filter((a) => a.action === "recordSatisfaction");
    expect(audit).toHaveLength(1);
    expect(audit[0].entityId).toBe(response!.id);
    expect(JSON.parse(audit[0].changes!)).toEqual({
      client: toGlobalId("Client", client.id),
      surveyedOn: "2026-11-26",
      score: 9,
      channel: "PHONE",
      commented: true,
    });
    const events = (await db.ds.query(
      "SELECT `type`, `payload` FROM `event` WHERE `type` = 'satisfaction.recorded'",
    )) as { type: string; payload: string }[];
    expect(events).toHaveLength(1);
    expect(events[0].payload).not.toContain("张三");
    expect(JSON.parse(events[0].payload)).toMatchObject({ score: 9, channel: "PHONE", surveyedOn: "2026-11-26" });
    const everything = JSON.stringify([await auditRows(db.ds), await db.ds.query("SELECT * FROM `event`")]);
    expect(everything).not.toContain("专业");
  });

  it.each([
    ["a score above 10", { score: 11, surveyedOn: "2026-11-26" }, ["input", "score"]],
    ["a negative score", { score: -1, surveyedOn: "2026-11-26" }, ["input", "score"]],
    ["a survey date after today (the injected clock)", { score: 7, surveyedOn: "2026-11-28" }, ["input", "surveyedOn"]],
    [
      "a comment longer than its column",
      { score: 7, surveyedOn: "2026-11-26", comment: "好".repeat(1001) },
      ["input", "comment"],
    ],
  ])("SPEC §13: %s is refused as INVALID with its field, and nothing is written", async (_, input, field) => {
    const before = await countRows(db.ds, "satisfaction_response");
    const audits = await countRows(db.ds, "audit_entry");
    const res = await record(rm, input);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.recordSatisfaction.response).toBeNull();
    expect(res.body.data!.recordSatisfaction.userErrors).toEqual([expect.objectContaining({ code: "INVALID", field })]);
    expect(await countRows(db.ds, "satisfaction_response")).toBe(before);
    expect(await countRows(db.ds, "audit_entry")).toBe(audits);
  });

  it("SPEC §13: an unknown client is NOT_FOUND; a comment of exactly 1,000 characters is kept", async () => {
    const res = await server.gql<{ recordSatisfaction: { userErrors: unknown[] } }>(rm, RECORD, {
      input: { clientId: toGlobalId("Client", 999999), surveyedOn: "2026-11-26", score: 5, channel: "APP" },
    });
    expect(res.body.data!.recordSatisfaction.userErrors).toEqual([
      expect.objectContaining({ code: "NOT_FOUND", field: ["input", "clientId"] }),
    ]);
    const long = await record(rm, { surveyedOn: "2026-11-25", score: 6, comment: "好".repeat(1000) });
    expect(long.body.data!.recordSatisfaction.userErrors).toEqual([]);
  });

  it.each([
    ["VIEWER", Role.VIEWER, null],
    ["ANALYST", Role.ANALYST, null],
    ["RISK_OFFICER", Role.RISK_OFFICER, null],
    ["COMPLIANCE", Role.COMPLIANCE, null],
    ["a RELATIONSHIP_MANAGER of another branch", Role.RELATIONSHIP_MANAGER, "BJ-XICHENG"],
  ])("SPEC §13: %s is refused with FORBIDDEN and nothing is written", async (_, role, branch) => {
    const before = await countRows(db.ds, "satisfaction_response");
    const token = await server.token(role, { sub: "someone", branch });
    const res = await record(token, { surveyedOn: "2026-11-26", score: 10 });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(res.body.data?.recordSatisfaction ?? null).toBeNull();
    expect(await countRows(db.ds, "satisfaction_response")).toBe(before);
  });

  it("SPEC §13: an ADMIN records for any branch", async () => {
    const admin = await server.token(Role.ADMIN, { sub: "admin-wu" });
    const res = await record(admin, { surveyedOn: "2026-10-15", score: 3, channel: "BRANCH" });
    expect(res.body.data!.recordSatisfaction.userErrors).toEqual([]);
    expect(res.body.data!.recordSatisfaction.response!.recordedBy).toBe("admin-wu");
  });

  it("SPEC §13: Client.satisfaction lists answers latest survey date first (ties: latest recorded), pages by 2 like one page", async () => {
    await buildSatisfaction(db.ds, client, { surveyedOn: "2026-11-26", score: 0, channel: SatisfactionChannel.APP });
    const all = (await read(rm))!;
    expect(all.totalCount).toBe(4);
    expect(all.nodes.map((n) => [n.surveyedOn, n.score])).toEqual([
      ["2026-11-26", 0],
      ["2026-11-26", 9],
      ["2026-11-25", 6],
      ["2026-10-15", 3],
    ]);
    const paged: Response[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = (await read(rm, 2, after))!;
      paged.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all.nodes);
  });

  it("SPEC §13, §6: a VIEWER sees the comment masked, COMPLIANCE in clear, by the client and by node; another branch's RM sees no client", async () => {
    const viewer = await server.token(Role.VIEWER, { sub: "viewer-qian" });
    const compliance = await server.token(Role.COMPLIANCE, { sub: "cmp-chen" });
    const masked = (await read(viewer))!.nodes;
    expect(masked.map((n) => n.comment)).toEqual([null, "***", "***", null]);
    const clear = (await read(compliance))!.nodes;
    expect(clear.map((n) => n.comment)).toEqual([null, COMMENT, "好".repeat(1000), null]);
    const byNode = `query($id: ID!) { node(id: $id) { ... on SatisfactionResponse { score comment client { clientNo } } } }`;
    const id = masked[1].id;
    const asViewer = await server.gql<{ node: { comment: string } | null }>(viewer, byNode, { id });
    expect(asViewer.body.data!.node).toEqual({ score: 9, comment: "***", client: { clientNo: "SAT001" } });
    const asCompliance = await server.gql<{ node: { comment: string } | null }>(compliance, byNode, { id });
    expect(asCompliance.body.data!.node!.comment).toBe(COMMENT);
    const other = await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-zhao", branch: "BJ-XICHENG" });
    expect(await read(other)).toBeNull();
    const asOther = await server.gql<{ node: unknown }>(other, byNode, { id });
    expect(asOther.body.data!.node).toBeNull();
  });

  it("SPEC §13: segmentCode is the segment of the last snapshot dated on or before the survey date, else the latest portrait's", async () => {
    await buildSegmentSnapshot(db.ds, client, "2026-11-02", segments.A, { avgDailyAssets20d: new Decimal("12000000") });
    await buildSegmentSnapshot(db.ds, client, "2026-10-20", null);
    await buildSegmentSnapshot(db.ds, client, "2026-11-26", segments.C);
    const nodes = (await read(rm))!.nodes;
    expect(nodes.map((n) => [n.surveyedOn, n.segmentCode])).toEqual([
      ["2026-11-26", "C"],
      ["2026-11-26", "C"],
      ["2026-11-25", "A"],
      // Before any snapshot: the live segment of the latest portrait (3,200,000 → B).
      ["2026-10-15", "B"],
    ]);
    await buildSegmentSnapshot(db.ds, client, "2026-10-01", null);
    expect((await read(rm))!.nodes[3].segmentCode).toBeNull();
  });
});
