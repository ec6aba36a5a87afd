import Decimal from "decimal.js";
import { idNumberIndex } from "../../src/crypto/personal-data";
import { FacilityStatus, ReviewStatus, Role } from "../../src/domain/enums";
import { violatesUniqueIndex } from "../../src/db/sql";
import { toGlobalId } from "../../src/domain/global-id";
import type { CreditFacilityEntity, ProductEntity } from "../../src/entities";
import { RISK_QUESTIONNAIRE } from "../../src/services/profile/questionnaire";
import { ENGINES, type TestDatabase } from "../support/engines";
import { buildClient, buildFacility, buildPortrait, buildReview, validResidentId } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import {
  auditRows,
  clientWith,
  countRows,
  defaultSegments,
  footprint,
  mutate,
  people,
  plainProduct,
  readFacility,
  readReview,
  type ClientSetup,
  type UserErr,
} from "./helpers";

/**
 * SPEC §10, the rules about what a caller may send: input ranges, limits, professional status and
 * one credit account per investor. Each test names its rule; a refusal is a coded userError with its
 * field (never a top-level INTERNAL_SERVER_ERROR), never echoes the value, and writes nothing.
 * Today is Friday 27 November 2026.
 */

const NOW = new Date("2026-11-27T08:00:00.000Z");
const TODAY = "2026-11-27";
const TOMORROW = "2026-11-28";
const OVERFLOW = "999999999999999999.9999";

const REGISTER = `mutation($input: RegisterClientInput!) {
  registerClient(input: $input) { client { id investorCategory } userErrors { field message code } }
}`;
const UPDATE = `mutation($input: UpdateClientInput!) {
  updateClient(input: $input) { client { id investorCategory } userErrors { field message code } }
}`;
const SUBMIT = `mutation($input: SubmitRiskAssessmentInput!) {
  submitRiskAssessment(input: $input) { riskAssessment { score } userErrors { field message code } }
}`;

interface ClientPayload {
  client: { id: string; investorCategory: string } | null;
  userErrors: UserErr[];
}

const TOP_ANSWERS = RISK_QUESTIONNAIRE.questions.map((q) => ({
  questionId: q.id,
  optionId: q.options.reduce((best, o) => (o.points > best.points ? o : best)).id,
}));

type Tokens = Awaited<ReturnType<typeof people>>;

interface Setup extends ClientSetup {
  product?: Partial<ProductEntity>;
  facility?: Partial<CreditFacilityEntity>;
}

describe.each(ENGINES)("SPEC §10 input rules on $name", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let t: Tokens;
  let ids = 0;

  beforeAll(async () => {
    db = await engine.create();
    await defaultSegments(db.ds);
    server = await startTestServer(db.ds, NOW);
    t = await people(server);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  /** A fresh client (3,200,000 AA: segment B, recommended 4,800,000) with a product and a facility. */
  async function withFacility(o: Setup = {}) {
    const client = await clientWith(db.ds, o);
    const product = await plainProduct(db.ds, o.product);
    const facility = await buildFacility(db.ds, client, product, o.facility ?? {});
    return {
      client,
      product,
      facility,
      clientId: toGlobalId("Client", client.id),
      productId: toGlobalId("Product", product.id),
      facilityId: toGlobalId("CreditFacility", facility.id),
    };
  }

  /** A review IN_PROGRESS on a fresh facility in the given state. */
  async function reviewInProgress(facility: Partial<CreditFacilityEntity> = {}) {
    const fx = await withFacility({ facility });
    const review = await buildReview(db.ds, fx.facility, {
      status: ReviewStatus.IN_PROGRESS,
      assignee: "ro-li",
      startedAt: NOW,
      notes: null,
    });
    return { ...fx, review, reviewId: toGlobalId("PostLoanReview", review.id) };
  }

  function registration(o: Record<string, unknown> = {}) {
    ids += 1;
    return {
      clientNo: `R${String(ids).padStart(7, "0")}`,
      type: "INDIVIDUAL",
      name: "沈立行",
      idNumber: validResidentId(ids),
      branch: "SH-PUDONG",
      openedAt: "2021-03-01",
      ...o,
    };
  }

  async function register(input: Record<string, unknown>): Promise<ClientPayload> {
    const res = await server.gql<{ registerClient: ClientPayload }>(t.rm, REGISTER, { input });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.registerClient;
  }

  async function update(input: Record<string, unknown>): Promise<ClientPayload> {
    const res = await server.gql<{ updateClient: ClientPayload }>(t.rm, UPDATE, { input });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.updateClient;
  }

  /** The one refusal expected: its code and field, and a message that does not echo the value. */
  function expectRefusal(errors: UserErr[], code: string, field: string[], value?: string) {
    expect(errors).toEqual([expect.objectContaining({ code, field })]);
    if (value !== undefined) expect(errors[0].message).not.toContain(value);
  }

  describe("input ranges", () => {
    it("a computed ratio above 999,999.9999 is stored as that cap: used 1, collateral 1,000,000 (SPEC §10 input ranges, defect 10)", async () => {
      const fx = await withFacility();
      const p = await mutate(server, t.li, "recordFacilityValuations", {
        valuations: [{ facilityId: fx.facilityId, asOf: TODAY, usedAmount: "1", collateralValue: "1000000" }],
      });
      expect(p.userErrors).toEqual([]);
      expect(p.facilities[0]).toMatchObject({ maintenanceRatio: "999999.9999", status: "ACTIVE" });
      expect(await readFacility(server, t.li, fx.facilityId)).toMatchObject({ maintenanceRatio: "999999.9999" });
    });

    it("money beyond 10^15 in one valuation refuses the whole batch as INVALID with the item's field (SPEC §10 input ranges, defect 10)", async () => {
      const a = await withFacility();
      const b = await withFacility();
      const before = await footprint(db.ds);
      const p = await mutate(server, t.li, "recordFacilityValuations", {
        valuations: [
          { facilityId: a.facilityId, asOf: TODAY, usedAmount: "900000", collateralValue: "1000000" },
          { facilityId: b.facilityId, asOf: TODAY, usedAmount: OVERFLOW, collateralValue: "1000000" },
        ],
      });
      expectRefusal(p.userErrors, "INVALID", ["input", "valuations", "1", "usedAmount"], OVERFLOW);
      expect(p.facilities).toEqual([]);
      expect(await footprint(db.ds)).toEqual(before);
      expect(await readFacility(server, t.li, a.facilityId)).toMatchObject({ usedAmount: "800000.00", version: 3 });
    });

    it("money beyond 10^15 is INVALID with its field on registerClient, applyForFacility and completeReview (SPEC §10 input ranges, defect 10)", async () => {
      const clients = await countRows(db.ds, "client");
      const income = await register(registration({ annualIncome: OVERFLOW }));
      expectRefusal(income.userErrors, "INVALID", ["input", "annualIncome"], OVERFLOW);
      expect(await countRows(db.ds, "client")).toBe(clients);

      const r = await reviewInProgress();
      const product = await plainProduct(db.ds);
      const before = await footprint(db.ds);
      const applied = await mutate(server, t.rm, "applyForFacility", {
        clientId: r.clientId,
        productId: toGlobalId("Product", product.id),
        requestedLimit: OVERFLOW,
      });
      expectRefusal(applied.userErrors, "INVALID", ["input", "requestedLimit"], OVERFLOW);
      expect(applied.facility).toBeNull();
      const completed = await mutate(server, t.li, "completeReview", {
        reviewId: r.reviewId,
        outcome: "INCREASE_LIMIT",
        newLimit: OVERFLOW,
        expectedVersion: 1,
      });
      expectRefusal(completed.userErrors, "INVALID", ["input", "newLimit"], OVERFLOW);
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("money with more than 2 decimals is INVALID: approvedLimit 0.0001 is refused, not stored as 0.00 (SPEC §10 input ranges, defect 12)", async () => {
      const fx = await withFacility({ facility: { status: FacilityStatus.PENDING_APPROVAL, version: 1 } });
      const before = await footprint(db.ds);
      const p = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        approvedLimit: "0.0001",
        expectedVersion: 1,
      });
      expectRefusal(p.userErrors, "INVALID", ["input", "approvedLimit"], "0.0001");
      expect(await footprint(db.ds)).toEqual(before);
      expect(await readFacility(server, t.li, fx.facilityId)).toMatchObject({
        status: "PENDING_APPROVAL",
        approvedLimit: "1500000.00",
      });
    });

    it.each(["0001-01-01", "1989-12-31", "2101-01-01", "9999-12-31"])(
      "a date of %s is INVALID: dates run from 1990-01-01 to 2100-12-31 (SPEC §10 input ranges, defect 12)",
      async (date) => {
        const fx = await withFacility();
        const before = await footprint(db.ds);
        const review = await mutate(server, t.li, "createReview", { facilityId: fx.facilityId, dueDate: date });
        expectRefusal(review.userErrors, "INVALID", ["input", "dueDate"], date);
        expect(review.review).toBeNull();
        expect(await footprint(db.ds)).toEqual(before);

        const clients = await countRows(db.ds, "client");
        const opened = await register(registration({ openedAt: date }));
        expectRefusal(opened.userErrors, "INVALID", ["input", "openedAt"], date);
        expect(await countRows(db.ds, "client")).toBe(clients);
      },
    );

    it("facts dated after today are INVALID with their field: openedAt, tradingSince, valuations, assessedAt (SPEC §10 input ranges)", async () => {
      const opened = await register(registration({ openedAt: TOMORROW }));
      expectRefusal(opened.userErrors, "INVALID", ["input", "openedAt"]);

      const fx = await withFacility();
      const trading = await update({ clientId: fx.clientId, tradingSince: "2030-01-01" });
      expectRefusal(trading.userErrors, "INVALID", ["input", "tradingSince"]);

      const before = await footprint(db.ds);
      const valued = await mutate(server, t.li, "recordFacilityValuations", {
        valuations: [{ facilityId: fx.facilityId, asOf: TOMORROW, usedAmount: "1", collateralValue: "2" }],
      });
      expectRefusal(valued.userErrors, "INVALID", ["input", "valuations", "0", "asOf"]);
      expect(await footprint(db.ds)).toEqual(before);

      const assessments = await countRows(db.ds, "risk_assessment");
      const res = await server.gql<{ submitRiskAssessment: { userErrors: UserErr[] } }>(t.admin, SUBMIT, {
        input: {
          clientId: fx.clientId,
          questionnaireVersion: RISK_QUESTIONNAIRE.version,
          answers: TOP_ANSWERS,
          assessedAt: "2031-01-01T00:00:00.000Z",
        },
      });
      expect(res.body.errors).toBeUndefined();
      expectRefusal(res.body.data!.submitRiskAssessment.userErrors, "INVALID", ["input", "assessedAt"]);
      expect(await countRows(db.ds, "risk_assessment")).toBe(assessments);
    });

    it("text longer than its column is INVALID: cancelReview notes and reason over 2,000 characters (SPEC §10 input ranges, defect 10)", async () => {
      const fx = await withFacility();
      const review = await buildReview(db.ds, fx.facility, { notes: "n".repeat(1500) });
      const reviewId = toGlobalId("PostLoanReview", review.id);
      const before = await footprint(db.ds);
      const p = await mutate(server, t.li, "cancelReview", {
        reviewId,
        reason: "r".repeat(600),
        expectedVersion: 1,
      });
      expectRefusal(p.userErrors, "INVALID", ["input", "reason"]);
      expect(await footprint(db.ds)).toEqual(before);
      expect(await readReview(server, t.li, reviewId)).toMatchObject({ status: "SCHEDULED", version: 1 });
      const fits = await mutate(server, t.li, "cancelReview", {
        reviewId,
        reason: "r".repeat(400),
        expectedVersion: 1,
      });
      expect(fits.userErrors).toEqual([]);
      expect(fits.review!.notes).toHaveLength(1500 + "\nCancelled: ".length + 400);
    });

    it("text longer than an input's cap is INVALID with its field, not a top-level error (SPEC §10 input ranges)", async () => {
      const fx = await withFacility();
      const before = await footprint(db.ds);
      const p = await mutate(server, t.li, "createReview", {
        facilityId: fx.facilityId,
        dueDate: "2026-12-15",
        notes: "x".repeat(2001),
      });
      expectRefusal(p.userErrors, "INVALID", ["input", "notes"], "xxxx");
      expect(await footprint(db.ds)).toEqual(before);
    });

    it("queries refuse out-of-range filters as BAD_USER_INPUT without echoing them (SPEC §10 input ranges)", async () => {
      const far = await server.gql(
        t.li,
        `{ facilities(first: 5, filter: { maturityBefore: "9999-12-31" }) { totalCount } }`,
      );
      expect(far.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      expect(JSON.stringify(far.body)).not.toContain("9999-12-31");
      const fine = await server.gql(
        t.li,
        `{ clients(first: 5, filter: { minAvgDailyAssets: "0.001" }) { totalCount } }`,
      );
      expect(fine.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      const ok = await server.gql(
        t.li,
        `{ facilities(first: 5, filter: { maturityBefore: "2100-12-31" }) { totalCount } }`,
      );
      expect(ok.body.errors).toBeUndefined();
    });
  });

  describe("limits", () => {
    it("an approvedLimit above the requested limit is LIMIT_EXCEEDED, even within the recommended one (SPEC §10 limits, defect 12)", async () => {
      // 3,200,000 AA: recommended 4,800,000; requested 2,000,000
      const fx = await withFacility({
        facility: { status: FacilityStatus.PENDING_APPROVAL, requestedLimit: new Decimal(2_000_000), version: 1 },
      });
      const before = await footprint(db.ds);
      const over = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        approvedLimit: "3000000",
        expectedVersion: 1,
      });
      expectRefusal(over.userErrors, "LIMIT_EXCEEDED", ["input", "approvedLimit"], "3000000");
      expect(await footprint(db.ds)).toEqual(before);
      const at = await mutate(server, t.li, "approveFacility", {
        facilityId: fx.facilityId,
        approve: true,
        approvedLimit: "2000000",
        expectedVersion: 1,
      });
      expect(at.userErrors).toEqual([]);
      expect(at.facility).toMatchObject({ status: "PENDING_SIGNATURE", approvedLimit: "2000000.00" });
    });

    it.each([FacilityStatus.LIQUIDATING, FacilityStatus.MARGIN_CALL, FacilityStatus.SUSPENDED])(
      "INCREASE_LIMIT only on an ACTIVE facility: on a %s one it is INVALID_TRANSITION (SPEC §10 limits, defect 12)",
      async (status) => {
        const r = await reviewInProgress({ status });
        const before = await footprint(db.ds);
        const p = await mutate(server, t.li, "completeReview", {
          reviewId: r.reviewId,
          outcome: "INCREASE_LIMIT",
          newLimit: "2000000",
          expectedVersion: 1,
        });
        expectRefusal(p.userErrors, "INVALID_TRANSITION", ["input", "outcome"]);
        expect(await footprint(db.ds)).toEqual(before);
        expect(await readFacility(server, t.li, r.facilityId)).toMatchObject({ status, approvedLimit: "1500000.00" });
      },
    );

    it("DECREASE_LIMIT only on a facility in force: on a LIQUIDATING one it is INVALID_TRANSITION (SPEC §10 limits, defect 12)", async () => {
      const r = await reviewInProgress({ status: FacilityStatus.LIQUIDATING });
      const before = await footprint(db.ds);
      const p = await mutate(server, t.li, "completeReview", {
        reviewId: r.reviewId,
        outcome: "DECREASE_LIMIT",
        newLimit: "1000000",
        expectedVersion: 1,
      });
      expectRefusal(p.userErrors, "INVALID_TRANSITION", ["input", "outcome"]);
      expect(await footprint(db.ds)).toEqual(before);
      const suspended = await reviewInProgress({ status: FacilityStatus.SUSPENDED });
      const ok = await mutate(server, t.li, "completeReview", {
        reviewId: suspended.reviewId,
        outcome: "DECREASE_LIMIT",
        newLimit: "1000000",
        expectedVersion: 1,
      });
      expect(ok.userErrors).toEqual([]);
      expect(await readFacility(server, t.li, suspended.facilityId)).toMatchObject({ approvedLimit: "1000000.00" });
    });

    it.each(["MAINTAIN", "SUSPEND", "TERMINATE"])(
      "newLimit only with INCREASE_LIMIT or DECREASE_LIMIT: %s with a newLimit is INVALID, nothing stored (SPEC §10 limits, defect 12)",
      async (outcome) => {
        const r = await reviewInProgress();
        const before = await footprint(db.ds);
        const p = await mutate(server, t.li, "completeReview", {
          reviewId: r.reviewId,
          outcome,
          newLimit: "1000000",
          expectedVersion: 1,
        });
        expectRefusal(p.userErrors, "INVALID", ["input", "newLimit"]);
        expect(await footprint(db.ds)).toEqual(before);
        expect(await readReview(server, t.li, r.reviewId)).toMatchObject({ status: "IN_PROGRESS", newLimit: null });
      },
    );

    it("four eyes are two people: RT-RO-ALICE then rt-ro-alice is INVALID, never a 500 from the unique index (SPEC §10 authentication, defect 12)", async () => {
      // 12,000,000: segment A, COMMITTEE
      const client = await clientWith(db.ds, { avg: "12000000.00" });
      const product = await plainProduct(db.ds);
      const applied = await mutate(server, t.rm, "applyForFacility", {
        clientId: toGlobalId("Client", client.id),
        productId: toGlobalId("Product", product.id),
        requestedLimit: "2000000",
      });
      expect(applied.facility).toMatchObject({ status: "PENDING_APPROVAL" });
      const facilityId = applied.facility!.id;
      const upper = await server.token(Role.RISK_OFFICER, { sub: "RT-RO-ALICE" });
      const lower = await server.token(Role.RISK_OFFICER, { sub: "rt-ro-alice" });
      const first = await mutate(server, upper, "approveFacility", { facilityId, approve: true, expectedVersion: 1 });
      expect(first.userErrors).toEqual([]);
      const before = await footprint(db.ds);
      const again = await server.gql<{ approveFacility: { userErrors: UserErr[] } }>(
        lower,
        `mutation($input: ApproveFacilityInput!) { approveFacility(input: $input) { userErrors { field message code } } }`,
        { input: { facilityId, approve: true, expectedVersion: 2 } },
      );
      expect(again.status).toBe(200);
      expect(again.body.errors).toBeUndefined();
      expectRefusal(again.body.data!.approveFacility.userErrors, "INVALID", ["input", "facilityId"]);
      expect(await footprint(db.ds)).toEqual(before);
      expect(await readFacility(server, t.li, facilityId)).toMatchObject({ status: "PENDING_APPROVAL", version: 2 });
    });
  });

  describe("professional status is earned, not declared", () => {
    it("registerClient as PROFESSIONAL is NOT_ELIGIBLE: a new client has no portrait to earn it (SPEC §10 professional status, defect 9)", async () => {
      const clients = await countRows(db.ds, "client");
      const p = await register(
        registration({ investorCategory: "PROFESSIONAL", annualIncome: "0", financialAssets: "0" }),
      );
      expectRefusal(p.userErrors, "NOT_ELIGIBLE", ["input", "investorCategory"]);
      expect(p.client).toBeNull();
      expect(await countRows(db.ds, "client")).toBe(clients);
      const ordinary = await register(registration());
      expect(ordinary.userErrors).toEqual([]);
      expect(ordinary.client!.investorCategory).toBe("ORDINARY");
    });

    it("updateClient to PROFESSIONAL is NOT_ELIGIBLE without a latest portrait that qualifies the client (SPEC §10 professional status, defect 9)", async () => {
      const none = await buildClient(db.ds);
      const notEligible = await clientWith(db.ds);
      await buildPortrait(db.ds, notEligible, { professionalEligible: false });
      // An older portrait qualified; the latest does not.
      const lapsed = await clientWith(db.ds);
      await buildPortrait(db.ds, lapsed, { asOf: TODAY, professionalEligible: false });
      for (const c of [none, notEligible, lapsed]) {
        const audits = await countRows(db.ds, "audit_entry");
        const p = await update({ clientId: toGlobalId("Client", c.id), investorCategory: "PROFESSIONAL" });
        expectRefusal(p.userErrors, "NOT_ELIGIBLE", ["input", "investorCategory"]);
        expect(await countRows(db.ds, "audit_entry")).toBe(audits);
      }
      const rows = (await db.ds.query(
        `SELECT COUNT(*) AS n FROM \`client\` WHERE \`investorCategory\` = 'PROFESSIONAL' AND \`id\` IN (?, ?, ?)`,
        [none.id, notEligible.id, lapsed.id],
      )) as { n: unknown }[];
      expect(Number(rows[0].n)).toBe(0);
    });

    it("updateClient to PROFESSIONAL with a qualifying latest portrait is accepted, the audit entry names that portrait (SPEC §10 professional status)", async () => {
      const client = await buildClient(db.ds);
      const portrait = await buildPortrait(db.ds, client, { professionalEligible: true });
      const p = await update({ clientId: toGlobalId("Client", client.id), investorCategory: "PROFESSIONAL" });
      expect(p.userErrors).toEqual([]);
      expect(p.client!.investorCategory).toBe("PROFESSIONAL");
      const audit = (await auditRows(db.ds)).at(-1)!;
      expect(audit.action).toBe("updateClient");
      expect(JSON.parse(audit.changes!)).toMatchObject({
        investorCategory: "PROFESSIONAL",
        professionalPortrait: toGlobalId("Portrait", portrait.id),
      });
    });
  });

  describe("one investor, one credit account", () => {
    it("registering a taken ID number is DUPLICATE on idNumber, nothing written (SPEC §10 one investor, one credit account)", async () => {
      const first = registration();
      expect((await register(first)).userErrors).toEqual([]);
      const clients = await countRows(db.ds, "client");
      const second = await register(registration({ idNumber: first.idNumber }));
      expectRefusal(second.userErrors, "DUPLICATE", ["input", "idNumber"], first.idNumber);
      expect(await countRows(db.ds, "client")).toBe(clients);
    });

    it("the database holds it: a second row with the same ID number fails on the unique index (SPEC §10 one investor, one credit account)", async () => {
      const idNumber = validResidentId(9000);
      await buildClient(db.ds, { idNumber });
      const err: unknown = await buildClient(db.ds, { idNumber }).catch((e: unknown) => e);
      // …and the intake recognises which index fired, on either engine, to answer DUPLICATE on its field.
      // The ID number is sealed at rest: the unique index is on its blind index (SPEC §14).
      expect(violatesUniqueIndex(err, "UQ_client_idNumberBlindIndex", "client", ["idNumberBlindIndex"])).toBe(true);
      expect(violatesUniqueIndex(err, "UQ_client_clientNo", "client", ["clientNo"])).toBe(false);
      const rows = (await db.ds.query("SELECT COUNT(*) AS n FROM `client` WHERE `idNumberBlindIndex` = ?", [
        idNumberIndex(idNumber),
      ])) as {
        n: unknown;
      }[];
      expect(Number(rows[0].n)).toBe(1);
    });

    it("racing registrations of one ID number: one lands, the others are DUPLICATE, never INTERNAL (SPEC §10 one investor, one credit account)", async () => {
      const idNumber = validResidentId(9001);
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          server.gql<{ registerClient: ClientPayload }>(t.rm, REGISTER, { input: registration({ idNumber }) }),
        ),
      );
      expect(results.map((r) => r.body.errors)).toEqual(results.map(() => undefined));
      const outcomes = results.map((r) => r.body.data!.registerClient.userErrors.map((e) => e.code).join() || "OK");
      expect(outcomes.sort()).toEqual(["DUPLICATE", "DUPLICATE", "DUPLICATE", "DUPLICATE", "DUPLICATE", "OK"]);
      for (const r of results)
        for (const e of r.body.data!.registerClient.userErrors) expect(e.field).toEqual(["input", "idNumber"]);
      const rows = (await db.ds.query("SELECT COUNT(*) AS n FROM `client` WHERE `idNumberBlindIndex` = ?", [
        idNumberIndex(idNumber),
      ])) as {
        n: unknown;
      }[];
      expect(Number(rows[0].n)).toBe(1);
    });
  });

  // Last: the jobs run over the whole book of this file.
  describe("batch jobs", () => {
    it.each([
      ["processMaturities", TOMORROW],
      ["processMaturities", "2027-12-31"],
      ["processMaturities", "9999-12-31"],
      ["scheduleReviews", TOMORROW],
      ["scheduleReviews", "9999-12-31"],
      ["processMaturities", "0001-01-01"],
    ] as const)(
      "%s refuses asOf %s, after today or out of range, as INVALID on asOf, nothing written (SPEC §10 input ranges, defect 8)",
      async (job, asOf) => {
        // Matures 28 February 2027 with 800,000 borrowed: a run a year ahead would liquidate it.
        const fx = await withFacility();
        const before = await footprint(db.ds);
        const p = await mutate(server, t.admin, job, { asOf });
        expectRefusal(p.userErrors, "INVALID", ["input", "asOf"], asOf);
        expect(p.count).toBe(0);
        expect(await footprint(db.ds)).toEqual(before);
        expect(await readFacility(server, t.li, fx.facilityId)).toMatchObject({ status: "ACTIVE", version: 3 });
      },
    );

    it("the jobs accept today (SPEC §10 input ranges)", async () => {
      const fx = await withFacility({ facility: { status: FacilityStatus.ACTIVE } });
      for (const job of ["processMaturities", "scheduleReviews"] as const) {
        const p = await mutate(server, t.admin, job, { asOf: TODAY });
        expect(p.userErrors).toEqual([]);
      }
      expect(await readFacility(server, t.li, fx.facilityId)).toMatchObject({ status: "ACTIVE" });
    });
  });
});
