import Decimal from "decimal.js";
import type { DataSource } from "typeorm";
import { ReviewStatus, ReviewTrigger, Role, FacilityStatus } from "../../src/domain/enums";
import { toGlobalId } from "../../src/domain/global-id";
import type { ClientEntity, CreditFacilityEntity, ProductEntity } from "../../src/entities";
import { buildApiSchema } from "../../src/schema/build";
import { AUDIT_ACTIONS } from "../../src/services/audit/audit";
import { RISK_QUESTIONNAIRE } from "../../src/services/profile/questionnaire";
import { clientWith, defaultSegments, DISCLOSURE, plainProduct } from "../lifecycle/helpers";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildAlert, buildFacility, buildReview, validResidentId } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Audit that cannot be forgotten (SPEC §2): every mutation of the built schema, run once so that it
 * succeeds, leaves an audit entry named after it. The list comes from the schema itself, so a new
 * mutation without a scenario here (or without its audit entry) fails this test.
 */

const TODAY = "2026-11-27";

interface Fixture {
  ds: DataSource;
  client: ClientEntity;
  product: ProductEntity;
  otherProduct: ProductEntity;
  facility: (o?: Partial<CreditFacilityEntity>) => Promise<CreditFacilityEntity>;
}

type Scenario = (f: Fixture) => Promise<{ role: Role; input: Record<string, unknown> }>;

const id = (type: "Client" | "Product" | "CreditFacility" | "PostLoanReview" | "Alert", n: number) =>
  toGlobalId(type, n);

/** The highest option of every question. */
const ANSWERS = RISK_QUESTIONNAIRE.questions.map((q) => ({
  questionId: q.id,
  optionId: q.options.reduce((best, o) => (o.points > best.points ? o : best)).id,
}));

const SCENARIOS: Record<string, Scenario> = {
  registerClient: async () => ({
    role: Role.RELATIONSHIP_MANAGER,
    input: {
      clientNo: "C90000001",
      type: "INDIVIDUAL",
      name: "王小明",
      idNumber: validResidentId(9001),
      branch: "SH-PUDONG",
      openedAt: "2021-03-01",
    },
  }),
  updateClient: async (f) => ({
    role: Role.RELATIONSHIP_MANAGER,
    input: { clientId: id("Client", f.client.id), phone: "13812345678" },
  }),
  submitRiskAssessment: async (f) => ({
    role: Role.RELATIONSHIP_MANAGER,
    input: { clientId: id("Client", f.client.id), questionnaireVersion: RISK_QUESTIONNAIRE.version, answers: ANSWERS },
  }),
  recordAssetSnapshots: async (f) => ({
    role: Role.RISK_OFFICER,
    input: {
      clientId: id("Client", f.client.id),
      snapshots: [{ date: "2026-11-26", securitiesAssets: "2000000", totalAssets: "3000000" }],
    },
  }),
  recordTrades: async (f) => ({
    role: Role.RISK_OFFICER,
    input: {
      clientId: id("Client", f.client.id),
      trades: [{ tradeDate: "2026-11-26", symbol: "600036.SH", side: "BUY", quantity: 100, amount: "4500.00" }],
    },
  }),
  refreshPortrait: async (f) => ({ role: Role.RISK_OFFICER, input: { clientId: id("Client", f.client.id) } }),
  upsertSegment: async () => ({
    role: Role.ADMIN,
    input: {
      code: "Z",
      name: "Audited",
      priority: 90,
      criteria: { minAvgDailyAssets: "50000000" },
      strategy: { approvalTier: "COMMITTEE", reviewIntervalDays: 30, advisoryService: false },
    },
  }),
  upsertProduct: async () => ({
    role: Role.ADMIN,
    input: {
      code: "AUD1",
      name: "Audited product",
      kind: "STANDARD_CREDIT",
      riskLevel: "R2",
      horizon: "SHORT",
      minLimit: "100000",
      maxLimit: "1000000",
      termDays: 180,
      maxExtensions: 1,
      annualRate: "0.0800",
      eligibility: {},
    },
  }),
  applyForFacility: async (f) => ({
    role: Role.RELATIONSHIP_MANAGER,
    input: { clientId: id("Client", f.client.id), productId: id("Product", f.product.id), requestedLimit: "500000" },
  }),
  approveFacility: async (f) => {
    const facility = await f.facility({
      status: FacilityStatus.PENDING_APPROVAL,
      approvedLimit: null,
      startDate: null,
    });
    return {
      role: Role.RISK_OFFICER,
      input: { facilityId: id("CreditFacility", facility.id), approve: false, expectedVersion: facility.version },
    };
  },
  signFacility: async (f) => {
    const facility = await f.facility({
      status: FacilityStatus.PENDING_SIGNATURE,
      startDate: null,
      maturityDate: null,
    });
    return {
      role: Role.RELATIONSHIP_MANAGER,
      input: {
        facilityId: id("CreditFacility", facility.id),
        disclosureVersion: DISCLOSURE,
        acknowledged: true,
        expectedVersion: facility.version,
      },
    };
  },
  extendFacility: async (f) => {
    const facility = await f.facility();
    return {
      role: Role.RELATIONSHIP_MANAGER,
      input: { facilityId: id("CreditFacility", facility.id), expectedVersion: facility.version },
    };
  },
  closeFacility: async (f) => {
    const facility = await f.facility({ usedAmount: new Decimal(0) });
    return {
      role: Role.RELATIONSHIP_MANAGER,
      input: { facilityId: id("CreditFacility", facility.id), expectedVersion: facility.version },
    };
  },
  recordFacilityValuations: async (f) => {
    const facility = await f.facility();
    return {
      role: Role.RISK_OFFICER,
      input: {
        valuations: [
          {
            facilityId: id("CreditFacility", facility.id),
            asOf: "2026-11-26",
            usedAmount: "800000",
            collateralValue: "1500000",
          },
        ],
      },
    };
  },
  processMaturities: async (f) => {
    await f.facility({ maturityDate: "2026-11-30" });
    return { role: Role.RISK_OFFICER, input: { asOf: TODAY } };
  },
  scheduleReviews: async (f) => {
    await f.facility({ startDate: "2026-01-05" });
    return { role: Role.RISK_OFFICER, input: { asOf: TODAY } };
  },
  createReview: async (f) => {
    const facility = await f.facility();
    return {
      role: Role.RISK_OFFICER,
      input: { facilityId: id("CreditFacility", facility.id), dueDate: "2026-12-15" },
    };
  },
  startReview: async (f) => {
    const review = await buildReview(f.ds, await f.facility(), { trigger: ReviewTrigger.MANUAL });
    return {
      role: Role.RISK_OFFICER,
      input: { reviewId: id("PostLoanReview", review.id), expectedVersion: review.version },
    };
  },
  completeReview: async (f) => {
    const review = await buildReview(f.ds, await f.facility(), {
      trigger: ReviewTrigger.MANUAL,
      status: ReviewStatus.IN_PROGRESS,
      startedAt: new Date("2026-11-26T08:00:00.000Z"),
    });
    return {
      role: Role.RISK_OFFICER,
      input: { reviewId: id("PostLoanReview", review.id), outcome: "MAINTAIN", expectedVersion: review.version },
    };
  },
  cancelReview: async (f) => {
    const review = await buildReview(f.ds, await f.facility(), { trigger: ReviewTrigger.MANUAL });
    return {
      role: Role.RISK_OFFICER,
      input: { reviewId: id("PostLoanReview", review.id), reason: "Raised in error", expectedVersion: review.version },
    };
  },
  recordSatisfaction: async (f) => ({
    role: Role.RELATIONSHIP_MANAGER,
    input: {
      clientId: id("Client", f.client.id),
      surveyedOn: "2026-11-26",
      score: 9,
      channel: "PHONE",
      comment: "客户经理很专业",
    },
  }),
  snapshotSegments: async () => ({ role: Role.RISK_OFFICER, input: { asOf: TODAY } }),
  resolveAlert: async (f) => {
    const alert = await buildAlert(f.ds, await f.facility());
    return { role: Role.RISK_OFFICER, input: { alertId: id("Alert", alert.id) } };
  },
};

describe.each(ENGINES)("every mutation writes its audit entry on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let fixture: Fixture;
  let mutations: string[];

  beforeAll(async () => {
    db = await engine.create();
    server = await startTestServer(db.ds, new Date(`${TODAY}T08:00:00.000Z`));
    mutations = Object.keys((await buildApiSchema()).getMutationType()!.getFields()).sort();
    await defaultSegments(db.ds);
    const client = await clientWith(db.ds);
    const product = await plainProduct(db.ds, { code: "P-APPLY" });
    const otherProduct = await plainProduct(db.ds, { code: "P-BOOK" });
    fixture = {
      ds: db.ds,
      client,
      product,
      otherProduct,
      facility: (o = {}) => buildFacility(db.ds, client, otherProduct, o),
    };
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("has a scenario for every mutation of the schema, and a typed audit action for each", () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(mutations);
    for (const name of mutations) expect(AUDIT_ACTIONS).toContain(name);
  });

  it.each(Object.keys(SCENARIOS).sort())("%s succeeds and leaves an audit entry named after it", async (name) => {
    const { role, input } = await SCENARIOS[name](fixture);
    const token = await server.token(role, { sub: `auditor-${role.toLowerCase()}`, branch: "SH-PUDONG" });
    const [last] = (await db.ds.query("SELECT COALESCE(MAX(`id`), 0) AS id FROM `audit_entry`")) as { id: unknown }[];
    const field = (await buildApiSchema()).getMutationType()!.getFields()[name];
    const inputType = String(field.args[0].type);
    const res = await server.gql<Record<string, { userErrors: { code: string; field: string[] | null }[] }>>(
      token,
      `mutation($input: ${inputType}) { ${name}(input: $input) { userErrors { code field } } }`,
      { input },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.[name]?.userErrors).toEqual([]);
    const entries = (await db.ds.query("SELECT `actor`, `action` FROM `audit_entry` WHERE `id` > ? ORDER BY `id`", [
      Number(last.id),
    ])) as { actor: string; action: string }[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.map((e) => e.action)).toContain(name);
    expect(entries.every((e) => e.actor === `auditor-${role.toLowerCase()}`)).toBe(true);
  });
});
