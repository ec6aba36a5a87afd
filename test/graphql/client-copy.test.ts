import Decimal from "decimal.js";
import { seal } from "../../src/crypto/personal-data";
import { Role, SatisfactionChannel, TradeSide } from "../../src/domain/enums";
import { AssetSnapshotEntity, SatisfactionResponseEntity, TradeEntity, type ClientEntity } from "../../src/entities";
import { ENGINES, type TestDatabase } from "../support/engines";
import {
  buildAlert,
  buildAssessment,
  buildClient,
  buildFacility,
  buildPortrait,
  buildProduct,
  buildReview,
  residentId,
} from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

type Copy = Record<string, unknown> & {
  clientNo: string;
  requestId: string;
  profile: Record<string, unknown>;
  accessTrail: { viewer: string; fields: string[]; requestId: string; at: string }[];
};

/**
 * SPEC §14 the client's copy: GET /clients/{clientNo}/personal-data returns everything held about the
 * client as JSON to COMPLIANCE and to the relationship manager of its branch, and is itself recorded in
 * the access trail.
 */
const ALICE_ID = residentId(9001);
const OTHER_ID = residentId(9002);

describe.each(ENGINES)("the client's copy on $name (SPEC §14)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let base: string;
  let alice: ClientEntity;
  let other: ClientEntity;
  let requestNo = 0;

  beforeAll(async () => {
    db = await engine.create();
    const { ds } = db;
    const product = await buildProduct(ds);
    alice = await buildClient(ds, {
      clientNo: "CP0001",
      name: "林晓雪",
      idNumber: ALICE_ID,
      phone: "13911112222",
      branch: "SH-PUDONG",
    });
    other = await buildClient(ds, {
      clientNo: "CP0002",
      name: "赵德柱",
      idNumber: OTHER_ID,
      phone: "13733334444",
      branch: "BJ-XICHENG",
    });
    for (const c of [alice, other]) {
      await buildAssessment(ds, c);
      await buildPortrait(ds, c);
      const facility = await buildFacility(ds, c, product);
      await buildReview(ds, facility);
      await buildAlert(ds, facility);
      await ds.getRepository(AssetSnapshotEntity).save({
        clientId: c.id,
        date: "2026-11-02",
        totalAssets: new Decimal("1000.10"),
        securitiesAssets: new Decimal("900.05"),
        liabilities: new Decimal("0"),
        recordedAt: new Date("2026-11-10T00:00:00.000Z"),
      });
      await ds.getRepository(SatisfactionResponseEntity).save({
        clientId: c.id,
        surveyedOn: "2026-11-05",
        score: 9,
        channel: SatisfactionChannel.APP,
        comment: seal(c === alice ? "服务很好" : "赵德柱 的意见"),
        recordedBy: "rm-sh",
        createdAt: new Date("2026-11-05T02:00:00.000Z"),
      });
      await ds.getRepository(TradeEntity).save({
        clientId: c.id,
        tradeDate: "2026-11-03",
        symbol: "600000",
        side: TradeSide.BUY,
        quantity: 100,
        amount: new Decimal("12345.67"),
        recordedAt: new Date("2026-11-10T00:00:00.000Z"),
      });
    }
    server = await startTestServer(ds);
    base = server.url.replace("/graphql", "/clients");
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const trailRows = async () =>
    (await db.ds.query(
      "SELECT `clientId`, `subject`, `fields`, `requestId` FROM `personal_data_access` ORDER BY `id`",
    )) as {
      clientId: number;
      subject: string;
      fields: string;
      requestId: string;
    }[];

  async function get(clientNo: string, token: string | null, method = "GET") {
    const requestId = `copy-test-${(requestNo += 1)}`;
    const res = await fetch(`${base}/${clientNo}/personal-data`, {
      method,
      headers: { "x-request-id": requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Copy, requestId };
  }

  it("SPEC §14: COMPLIANCE receives everything held about the client, personal data in clear, and nothing of another client", async () => {
    const res = await get("CP0001", await server.token(Role.COMPLIANCE, { sub: "cp-carol" }));
    expect(res.status).toBe(200);
    const copy = res.json();
    expect(copy.clientNo).toBe("CP0001");
    expect(copy.requestId).toBe(res.requestId);
    expect(copy.profile).toMatchObject({
      clientNo: "CP0001",
      name: "林晓雪",
      phone: "13911112222",
      branch: "SH-PUDONG",
    });
    expect(copy.profile.idNumber).toBe(ALICE_ID);
    expect(copy.profile.annualIncome).toBe("600000");
    expect(copy.profile).not.toHaveProperty("idNumberBlindIndex");
    expect((copy.portraits as Record<string, unknown>[])[0].annualIncome).toBe("600000");
    for (const section of [
      "assessments",
      "portraits",
      "assetSnapshots",
      "trades",
      "facilities",
      "reviews",
      "alerts",
      "satisfaction",
    ]) {
      const rows = copy[section] as Record<string, unknown>[];
      expect(rows).toHaveLength(1);
      expect(rows[0].clientId).toBe(alice.id);
    }
    expect((copy.trades as Record<string, unknown>[])[0].amount).toBe("12345.67");
    expect((copy.satisfaction as Record<string, unknown>[])[0].comment).toBe("服务很好");
    // nothing of the other client: not its number, name, phone or ID number
    for (const text of ["CP0002", "赵德柱", "13733334444", OTHER_ID, other.idNumber])
      expect(res.text).not.toContain(text);
  });

  it("SPEC §14: the copy is itself an access record, listed in the copy it produced", async () => {
    const before = (await trailRows()).length;
    const res = await get("CP0001", await server.token(Role.COMPLIANCE, { sub: "cp-carol" }));
    const after = await trailRows();
    expect(after.slice(before)).toEqual([
      {
        clientId: alice.id,
        subject: "cp-carol",
        fields: "name,idNumber,phone,annualIncome,financialAssets,comment",
        requestId: res.requestId,
      },
    ]);
    expect(res.json().accessTrail[0]).toMatchObject({
      viewer: "cp-carol",
      fields: ["name", "idNumber", "phone", "annualIncome", "financialAssets", "comment"],
      requestId: res.requestId,
    });
  });

  it("SPEC §14: the relationship manager of the client's branch gets the copy; of another branch 403", async () => {
    const own = await get("CP0001", await server.token(Role.RELATIONSHIP_MANAGER, { branch: "SH-PUDONG" }));
    expect(own.status).toBe(200);
    expect(own.json().profile.name).toBe("林晓雪");
    const before = (await trailRows()).length;
    const foreign = await get("CP0001", await server.token(Role.RELATIONSHIP_MANAGER, { branch: "BJ-XICHENG" }));
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text).errors[0].extensions.code).toBe("FORBIDDEN");
    expect(foreign.text).not.toContain("林晓雪");
    expect((await trailRows()).length).toBe(before);
  });

  it("SPEC §14: other roles are refused 403 coded, without a token 401, and nothing is recorded", async () => {
    const before = (await trailRows()).length;
    for (const role of [Role.VIEWER, Role.ANALYST, Role.RISK_OFFICER, Role.ADMIN]) {
      const res = await get("CP0001", await server.token(role, { branch: "SH-PUDONG" }));
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text).errors[0].extensions.code).toBe("FORBIDDEN");
    }
    const anonymous = await get("CP0001", null);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect((await trailRows()).length).toBe(before);
  });

  it("SPEC §14: an unknown or malformed client number is 404 coded without echoing it; other methods 405", async () => {
    const token = await server.token(Role.COMPLIANCE);
    for (const clientNo of ["NOPE12345", "%E2%80%AE", "x".repeat(40)]) {
      const res = await get(clientNo, token);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text).errors[0].extensions.code).toBe("NOT_FOUND");
      expect(res.text).not.toContain(clientNo);
    }
    expect((await get("CP0001", token, "POST")).status).toBe(405);
  });
});
