import { Role } from "../../src/domain/enums";
import { addDays } from "../../src/domain/dates";
import { creditCodeCheckChar, residentIdCheckChar } from "../../src/services/profile/identity";
import { RISK_QUESTIONNAIRE } from "../../src/services/profile/questionnaire";
import { ENGINES, type TestDatabase } from "../support/engines";
import { validResidentId } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

const ID17 = "11010119900307123";
const VALID_ID = ID17 + residentIdCheckChar(ID17);
const USCC17 = "91310115MA1H7XXX1";
const VALID_USCC = USCC17 + creditCodeCheckChar(USCC17);

const REGISTER = `mutation($input: RegisterClientInput!) {
  registerClient(input: $input) { client { id clientNo name } userErrors { field message code } }
}`;

/** The highest option of every question: 100 points. */
const TOP_ANSWERS = RISK_QUESTIONNAIRE.questions.map((q) => ({
  questionId: q.id,
  optionId: q.options.reduce((best, o) => (o.points > best.points ? o : best)).id,
}));

/** Weekdays ending at `end`, newest last. */
function weekdays(end: string, n: number): string[] {
  const out: string[] = [];
  for (let d = end; out.length < n; d = addDays(d, -1)) {
    const day = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (day !== 0 && day !== 6) out.unshift(d);
  }
  return out;
}

describe.each(ENGINES)("client intake and the portrait over GraphQL on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let rm: string;
  let officer: string;
  let clientId: string;

  const count = async (table: string) =>
    Number(((await db.ds.query(`SELECT COUNT(*) AS n FROM \`${table}\``)) as { n: unknown }[])[0].n);

  beforeAll(async () => {
    db = await engine.create();
    server = await startTestServer(db.ds, new Date("2026-11-27T08:00:00.000Z"));
    rm = await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-zhang", branch: "SH-PUDONG" });
    officer = await server.token(Role.RISK_OFFICER, { sub: "ro-li" });
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("registers an individual and audits it with personal data masked", async () => {
    const res = await server.gql<{ registerClient: { client: { id: string; name: string }; userErrors: unknown[] } }>(
      rm,
      REGISTER,
      {
        input: {
          clientNo: "C10000001",
          type: "INDIVIDUAL",
          name: "王小明",
          idNumber: VALID_ID,
          phone: "13812345678",
          branch: "SH-PUDONG",
          openedAt: "2021-03-01",
          tradingSince: "2020-01-15",
          annualIncome: "600000",
          financialAssets: "3000000",
        },
      },
    );
    expect(res.body.data!.registerClient.userErrors).toEqual([]);
    expect(res.body.data!.registerClient.client.name).toBe("王小明");
    clientId = res.body.data!.registerClient.client.id;
    const [audit] = (await db.ds.query("SELECT `actor`, `action`, `changes` FROM `audit_entry`")) as {
      actor: string;
      action: string;
      changes: string;
    }[];
    expect(audit).toMatchObject({ actor: "rm-zhang", action: "registerClient" });
    expect(JSON.parse(audit.changes)).toMatchObject({
      name: "王*明",
      idNumber: `${VALID_ID.slice(0, 6)}********${VALID_ID.slice(-4)}`,
      phone: "138****5678",
    });
  });

  it.each([
    ["idNumber", { idNumber: `${ID17}${residentIdCheckChar(ID17) === "0" ? "1" : "0"}` }],
    ["idNumber", { type: "INSTITUTION", idNumber: VALID_ID }],
    ["phone", { phone: "12345678901" }],
    ["openedAt", { openedAt: "2026-11-28" }],
    ["clientNo", { clientNo: "bad no" }],
    ["annualIncome", { annualIncome: "-1" }],
  ])("refuses a bad %s with INVALID and writes nothing (SPEC §3 intake)", async (fieldName, override) => {
    const before = await count("client");
    const res = await server.gql<{
      registerClient: { client: null; userErrors: { field: string[]; code: string; message: string }[] };
    }>(rm, REGISTER, {
      input: {
        clientNo: "C10000099",
        type: "INDIVIDUAL",
        name: "李雷",
        idNumber: VALID_ID,
        branch: "SH-PUDONG",
        openedAt: "2021-03-01",
        ...override,
      },
    });
    const payload = res.body.data!.registerClient;
    expect(payload.client).toBeNull();
    expect(payload.userErrors).toContainEqual(
      expect.objectContaining({ field: ["input", fieldName], code: "INVALID" }),
    );
    // never echoes the input back
    for (const e of payload.userErrors) expect(e.message).not.toContain(String(Object.values(override)[0]));
    expect(await count("client")).toBe(before);
  });

  it("accepts an institution with a valid unified social credit code, refuses a taken clientNo as DUPLICATE", async () => {
    const input = {
      clientNo: "C10000002",
      type: "INSTITUTION",
      name: "上海浦江投资管理有限公司",
      idNumber: VALID_USCC,
      branch: "SH-PUDONG",
      openedAt: "2022-06-01",
    };
    const ok = await server.gql<{ registerClient: { userErrors: unknown[] } }>(rm, REGISTER, { input });
    expect(ok.body.data!.registerClient.userErrors).toEqual([]);
    const dup = await server.gql<{ registerClient: { userErrors: { code: string; field: string[] }[] } }>(
      rm,
      REGISTER,
      {
        input,
      },
    );
    expect(dup.body.data!.registerClient.userErrors).toEqual([
      expect.objectContaining({ code: "DUPLICATE", field: ["input", "clientNo"] }),
    ]);
  });

  it("serves concurrent registrations: distinct ones all land, one clientNo raced five times lands once", async () => {
    // One investor, one credit account (SPEC §10): distinct clients are distinct investors.
    const input = (clientNo: string, n: number) => ({
      clientNo,
      type: "INDIVIDUAL",
      name: "赵六",
      idNumber: validResidentId(n),
      branch: "SH-PUDONG",
      openedAt: "2021-03-01",
    });
    type R = { registerClient: { client: { id: string } | null; userErrors: { code: string }[] } };
    const distinct = await Promise.all(
      Array.from({ length: 8 }, (_, i) => server.gql<R>(rm, REGISTER, { input: input(`C2000000${i}`, i) })),
    );
    expect(distinct.every((r) => r.body.data!.registerClient.client !== null)).toBe(true);
    const raced = await Promise.all(
      Array.from({ length: 5 }, () => server.gql<R>(rm, REGISTER, { input: input("C30000000", 100) })),
    );
    const codes = raced.map((r) => r.body.data!.registerClient.userErrors[0]?.code ?? "OK").sort();
    expect(codes).toEqual(["DUPLICATE", "DUPLICATE", "DUPLICATE", "DUPLICATE", "OK"]);
    await db.ds.query("DELETE FROM `client` WHERE `clientNo` LIKE 'C2000000%' OR `clientNo` = 'C30000000'");
  });

  it("forbids registering into another branch and forbids a VIEWER (SPEC §6)", async () => {
    const input = {
      clientNo: "C10000003",
      type: "INDIVIDUAL",
      name: "韩梅梅",
      idNumber: VALID_ID,
      branch: "BJ-XICHENG",
      openedAt: "2021-03-01",
    };
    const other = await server.gql<{ registerClient: null }>(rm, REGISTER, { input });
    expect(other.body.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const viewer = await server.gql(await server.token(Role.VIEWER), REGISTER, {
      input: { ...input, branch: "SH-PUDONG" },
    });
    expect(viewer.body.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(await count("client")).toBe(2);
  });

  it("scores the questionnaire and refuses partial answers and a non-ADMIN assessedAt (SPEC §3)", async () => {
    const SUBMIT = `mutation($input: SubmitRiskAssessmentInput!) {
      submitRiskAssessment(input: $input) { riskAssessment { score riskLevel horizon lowestCategory validUntil expired } userErrors { field code } }
    }`;
    const partial = await server.gql<{ submitRiskAssessment: { userErrors: { code: string }[] } }>(rm, SUBMIT, {
      input: { clientId, questionnaireVersion: "2026-01", answers: TOP_ANSWERS.slice(1) },
    });
    expect(partial.body.data!.submitRiskAssessment.userErrors[0].code).toBe("INVALID");
    const backdated = await server.gql<{ submitRiskAssessment: { userErrors: { code: string; field: string[] }[] } }>(
      rm,
      SUBMIT,
      {
        input: { clientId, questionnaireVersion: "2026-01", answers: TOP_ANSWERS, assessedAt: "2025-01-01T00:00:00Z" },
      },
    );
    expect(backdated.body.data!.submitRiskAssessment.userErrors).toEqual([
      { code: "FORBIDDEN", field: ["input", "assessedAt"] },
    ]);
    const ok = await server.gql<{ submitRiskAssessment: { riskAssessment: Record<string, unknown> } }>(rm, SUBMIT, {
      input: { clientId, questionnaireVersion: "2026-01", answers: TOP_ANSWERS },
    });
    expect(ok.body.data!.submitRiskAssessment.riskAssessment).toEqual({
      score: 100,
      riskLevel: "C5",
      horizon: "LONG",
      lowestCategory: false,
      validUntil: "2028-11-26T08:00:00.000Z",
      expired: false,
    });
    expect(await count("risk_assessment")).toBe(1);
  });

  it("records snapshots all-or-nothing and idempotently per date", async () => {
    const SNAP = `mutation($input: RecordAssetSnapshotsInput!) { recordAssetSnapshots(input: $input) { count userErrors { field code } } }`;
    const days = weekdays("2026-11-27", 18);
    const bad = await server.gql<{
      recordAssetSnapshots: { count: number; userErrors: { field: string[]; code: string }[] };
    }>(officer, SNAP, {
      input: {
        clientId,
        snapshots: [
          ...days.map((date) => ({ date, totalAssets: "2500000", securitiesAssets: "2000000" })),
          { date: "2026-11-30", totalAssets: "1", securitiesAssets: "1" },
        ],
      },
    });
    expect(bad.body.data!.recordAssetSnapshots).toEqual({
      count: 0,
      userErrors: [{ field: ["input", "snapshots", "18", "date"], code: "INVALID" }],
    });
    expect(await count("asset_snapshot")).toBe(0);
    for (let round = 0; round < 2; round += 1) {
      const ok = await server.gql<{ recordAssetSnapshots: { count: number } }>(officer, SNAP, {
        input: {
          clientId,
          snapshots: days.map((date) => ({ date, totalAssets: "2500000", securitiesAssets: "2000000" })),
        },
      });
      expect(ok.body.data!.recordAssetSnapshots.count).toBe(18);
    }
    expect(await count("asset_snapshot")).toBe(18);
  });

  it("computes the portrait of SPEC §3 figure by figure, and a downgrade raises an alert", async () => {
    const TRADES = `mutation($input: RecordTradesInput!) { recordTrades(input: $input) { count userErrors { code } } }`;
    const trades = await server.gql<{ recordTrades: { count: number } }>(officer, TRADES, {
      input: {
        clientId,
        trades: [
          { tradeDate: "2019-06-03", symbol: "600519.SH", side: "BUY", quantity: 100, amount: "99999999.99" },
          ...["2026-01-05", "2026-03-02", "2026-06-01", "2026-11-27"].map((tradeDate) => ({
            tradeDate,
            symbol: "600036.SH",
            side: "BUY",
            quantity: 50000,
            amount: "2250000.00",
          })),
        ],
      },
    });
    expect(trades.body.data!.recordTrades.count).toBe(5);
    const REFRESH = `mutation($input: RefreshPortraitInput!) { refreshPortrait(input: $input) { portrait {
        asOf riskLevel horizon avgDailyAssets20d assetDays totalAssets experienceMonths annualTurnover
        marginCallsLast12m defaultsCount creditScore creditRating professionalEligible creditFactors { name points } }
        userErrors { code field } } }`;
    const res = await server.gql<{ refreshPortrait: { portrait: Record<string, unknown> } }>(officer, REFRESH, {
      input: { clientId },
    });
    // 18 snapshots of 2,000,000 over 20 days = 1,800,000.00; four trades in the year: 9,000,000 ÷ 1,800,000 = 5.00;
    // the first trade (2019-06-03) is earlier than tradingSince: 89 whole months to 2026-11-27.
    expect(res.body.data!.refreshPortrait.portrait).toEqual({
      asOf: "2026-11-27",
      riskLevel: "C5",
      horizon: "LONG",
      avgDailyAssets20d: "1800000.00",
      assetDays: 18,
      totalAssets: "2500000.00",
      experienceMonths: 89,
      annualTurnover: "5.00",
      marginCallsLast12m: 0,
      defaultsCount: 0,
      creditScore: 85,
      creditRating: "AA",
      professionalEligible: true,
      creditFactors: [
        { name: "avgDailyAssets20d", points: 18 },
        { name: "experienceMonths", points: 20 },
        { name: "annualIncome", points: 12 },
        { name: "annualTurnover", points: 10 },
        { name: "marginCallsLast12m", points: 15 },
        { name: "defaultsCount", points: 10 },
      ],
    });

    const future = await server.gql<{ refreshPortrait: { userErrors: { code: string }[] } }>(officer, REFRESH, {
      input: { clientId, asOf: "2026-11-28" },
    });
    expect(future.body.data!.refreshPortrait.userErrors[0].code).toBe("INVALID");

    // Assets fall to 100,000: the rating drops and a RATING_DOWNGRADE alert is raised.
    await server.gql(
      officer,
      `mutation($input: RecordAssetSnapshotsInput!) { recordAssetSnapshots(input: $input) { count } }`,
      {
        input: {
          clientId,
          snapshots: weekdays("2026-11-27", 20).map((date) => ({
            date,
            totalAssets: "100000",
            securitiesAssets: "100000",
          })),
        },
      },
    );
    const down = await server.gql<{
      refreshPortrait: { portrait: { creditRating: string; avgDailyAssets20d: string } };
    }>(officer, REFRESH, { input: { clientId } });
    expect(down.body.data!.refreshPortrait.portrait.avgDailyAssets20d).toBe("100000.00");
    expect(down.body.data!.refreshPortrait.portrait.creditRating).not.toBe("AA");
    const alerts = await server.gql<{
      client: { portrait: { creditRating: string }; alerts: { nodes: { kind: string }[] } };
    }>(
      officer,
      `query($id: ID!) { client(id: $id) { portrait { creditRating } alerts(first: 5) { nodes { kind } } } }`,
      { id: clientId },
    );
    expect(alerts.body.data!.client.alerts.nodes).toEqual([{ kind: "RATING_DOWNGRADE" }]);
    expect(alerts.body.data!.client.portrait.creditRating).toBe(down.body.data!.refreshPortrait.portrait.creditRating);
  });
});
