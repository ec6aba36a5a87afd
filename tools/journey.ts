/**
 * Drives one client through the whole business over HTTP, as an internal app would:
 * register → assess → snapshots → trades → portrait → apply → two committee approvals → sign →
 * valuations → margin call → review → recovery → extension → repayment → close.
 * It writes only about the client it registers, dated today: it runs no book-wide job (maturities,
 * scheduled reviews), which would act on every client, and a job's asOf may not be after today.
 * Usage: npm run journey -- [http://localhost:4000]   (the server must be running; tokens are minted
 * with this environment's AUTH_JWT_SECRET, the built-in development one without it, as `npm run token`)
 */
import "reflect-metadata";
import { loadConfig } from "../src/config";
import { Role } from "../src/domain/enums";
import { mintToken } from "../src/services/access/tokens";

/**
 * GraphQL answers, read by the shape of the documents below: the schema types them, and a wrong path
 * fails the run with a TypeError, which is what a journey is for.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

const base = process.argv[2] ?? "http://localhost:4000";
const secret = loadConfig().authJwtSecret;
const token = (role: Role, sub: string, branch: string | null = null) =>
  mintToken(secret, { sub, roles: [role], branch }, 12 * 3600);

async function gql(tok: string, query: string, variables?: Record<string, unknown>): Promise<Data> {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${tok}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: Data; errors?: unknown };
  if (body.errors) throw new Error(`${res.status} ${JSON.stringify(body.errors)}`);
  const payload = Object.values(body.data)[0];
  if (payload && Array.isArray(payload.userErrors) && payload.userErrors.length > 0) {
    throw new Error(`refused: ${JSON.stringify(payload.userErrors)}`);
  }
  return body.data;
}

const step = (n: number, text: string) => console.log(`${String(n).padStart(2)}. ${text}`);
const weekdays = (end: string, n: number): string[] => {
  const out: string[] = [];
  for (let d = new Date(`${end}T00:00:00Z`); out.length < n; d = new Date(d.getTime() - 86400000)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
};
const FACILITY = "id status version approvedLimit maintenanceRatio maturityDate extensionsUsed approvedBy";

async function main(): Promise<void> {
  const rm = await token(Role.RELATIONSHIP_MANAGER, "rm-zhang", "SH-PUDONG");
  const li = await token(Role.RISK_OFFICER, "ro-li");
  const wang = await token(Role.RISK_OFFICER, "ro-wang");
  const compliance = await token(Role.COMPLIANCE, "co-sun");
  const today = new Date().toISOString().slice(0, 10);
  const stamp = Date.now();
  const clientNo = `J${stamp.toString().slice(-9)}`;
  // One investor, one credit account: each run is a new investor. Region 310104 is one the demo book
  // does not use; the birth date (1950–2001) and sequence number come from the run's time.
  const birth = new Date(Date.UTC(1950, 0, 1) + (Math.floor(stamp / 1000) % 18980) * 86400000);
  const body17 = `310104${birth.toISOString().slice(0, 10).replace(/-/g, "")}${String(stamp % 1000).padStart(3, "0")}`;
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const idNumber = body17 + "10X98765432"[[...body17].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11];

  const { registerClient } = await gql(
    rm,
    `mutation($i: RegisterClientInput!) { registerClient(input: $i) { client { id name } userErrors { code field message } } }`,
    {
      i: {
        clientNo,
        type: "INDIVIDUAL",
        name: "沈立行",
        idNumber,
        phone: "13912345678",
        branch: "SH-PUDONG",
        openedAt: "2015-06-01",
        tradingSince: "2012-03-01",
        annualIncome: "2400000",
        financialAssets: "30000000",
      },
    },
  );
  const clientId = registerClient.client.id;
  step(1, `registered ${clientNo} (${registerClient.client.name})`);

  const { riskQuestionnaire } = await gql(
    rm,
    `{ riskQuestionnaire { version questions { id options { id points } } } }`,
  );
  const answers = riskQuestionnaire.questions.map((q: { id: string; options: { id: string; points: number }[] }) => ({
    questionId: q.id,
    optionId: q.options.reduce((a, b) => (b.points > a.points ? b : a)).id,
  }));
  const { submitRiskAssessment: ra } = await gql(
    rm,
    `mutation($i: SubmitRiskAssessmentInput!) { submitRiskAssessment(input: $i) { riskAssessment { score riskLevel horizon validUntil } userErrors { code field message } } }`,
    {
      i: { clientId, questionnaireVersion: riskQuestionnaire.version, answers },
    },
  );
  step(
    2,
    `assessed: score ${ra.riskAssessment.score} → ${ra.riskAssessment.riskLevel}, ${ra.riskAssessment.horizon}, valid until ${ra.riskAssessment.validUntil}`,
  );

  const days = weekdays(today, 20);
  const snaps = await gql(
    li,
    `mutation($i: RecordAssetSnapshotsInput!) { recordAssetSnapshots(input: $i) { count userErrors { code field message } } }`,
    {
      i: {
        clientId,
        snapshots: days.map((date) => ({ date, totalAssets: "13500000.00", securitiesAssets: "12000000.00" })),
      },
    },
  );
  const trades: Record<string, unknown>[] = [];
  for (let m = 1; m <= 12; m += 1)
    trades.push({
      tradeDate: weekdays(new Date(Date.now() - m * 30 * 86400000).toISOString().slice(0, 10), 1)[0],
      symbol: "600519.SH",
      side: m % 2 ? "BUY" : "SELL",
      quantity: 2000,
      amount: "3000000.00",
    });
  const tr = await gql(
    li,
    `mutation($i: RecordTradesInput!) { recordTrades(input: $i) { count userErrors { code field message } } }`,
    { i: { clientId, trades } },
  );
  step(3, `recorded ${snaps.recordAssetSnapshots.count} snapshots and ${tr.recordTrades.count} trades`);

  const { refreshPortrait: p } = await gql(
    li,
    `mutation($i: RefreshPortraitInput!) { refreshPortrait(input: $i) { portrait { avgDailyAssets20d assetDays experienceMonths annualTurnover creditScore creditRating professionalEligible } userErrors { code field message } } }`,
    { i: { clientId } },
  );
  step(4, `portrait: ${JSON.stringify(p.portrait)}`);

  const fit = await gql(
    rm,
    `query($id: ID!) { client(id: $id) { segment { segment { code strategy { approvalTier } } } productFits(first: 3) { product { id code } eligible recommendedLimit } } }`,
    { id: clientId },
  );
  const vip =
    fit.client.productFits.find((f: { product: { code: string } }) => f.product.code === "MARGIN-VIP") ??
    fit.client.productFits[0];
  step(
    5,
    `segment ${fit.client.segment.segment.code} (${fit.client.segment.segment.strategy.approvalTier}); ${vip.product.code} eligible=${vip.eligible}, recommended ${vip.recommendedLimit}`,
  );

  let f = (
    await gql(
      rm,
      `mutation($i: ApplyForFacilityInput!) { applyForFacility(input: $i) { facility { ${FACILITY} } userErrors { code field message } } }`,
      { i: { clientId, productId: vip.product.id, requestedLimit: "8000000" } },
    )
  ).applyForFacility.facility;
  step(6, `applied: ${f.status}, limit ${f.approvedLimit}`);
  const APPROVE = `mutation($i: ApproveFacilityInput!) { approveFacility(input: $i) { facility { ${FACILITY} } userErrors { code field message } } }`;
  f = (await gql(li, APPROVE, { i: { facilityId: f.id, approve: true, expectedVersion: f.version } })).approveFacility
    .facility;
  step(7, `first committee approval (ro-li): ${f.status}`);
  f = (await gql(wang, APPROVE, { i: { facilityId: f.id, approve: true, expectedVersion: f.version } })).approveFacility
    .facility;
  step(8, `second approval (ro-wang): ${f.status}, approvedBy ${f.approvedBy}`);
  f = (
    await gql(
      rm,
      `mutation($i: SignFacilityInput!) { signFacility(input: $i) { facility { ${FACILITY} } userErrors { code field message } } }`,
      { i: { facilityId: f.id, disclosureVersion: "2026-01", acknowledged: true, expectedVersion: f.version } },
    )
  ).signFacility.facility;
  step(9, `signed: ${f.status}, matures ${f.maturityDate}`);

  const VAL = `mutation($i: RecordFacilityValuationsInput!) { recordFacilityValuations(input: $i) { alertsRaised facilities { ${FACILITY} } userErrors { code field message } } }`;
  let v = (
    await gql(li, VAL, {
      i: { valuations: [{ facilityId: f.id, asOf: today, usedAmount: "5000000", collateralValue: "10000000" }] },
    })
  ).recordFacilityValuations;
  step(10, `valuation: ratio ${v.facilities[0].maintenanceRatio}, ${v.facilities[0].status}`);
  v = (
    await gql(li, VAL, {
      i: { valuations: [{ facilityId: f.id, asOf: today, usedAmount: "5000000", collateralValue: "6200000" }] },
    })
  ).recordFacilityValuations;
  step(
    11,
    `valuation: ratio ${v.facilities[0].maintenanceRatio}, ${v.facilities[0].status}, ${v.alertsRaised} alert raised`,
  );
  const open = await gql(
    li,
    `query($id: ID!) { client(id: $id) { alerts(first: 5) { nodes { kind severity deadline } } reviews(first: 5) { nodes { id trigger status dueDate version } } } }`,
    { id: clientId },
  );
  const review = open.client.reviews.nodes.find((r: { trigger: string }) => r.trigger === "MARGIN_CALL");
  step(12, `alerts ${JSON.stringify(open.client.alerts.nodes)}; review ${review.trigger} due ${review.dueDate}`);
  const started = (
    await gql(
      li,
      `mutation($i: StartReviewInput!) { startReview(input: $i) { review { status recommendation version snapshot { maintenanceRatio recommendedLimit } } userErrors { code field message } } }`,
      { i: { reviewId: review.id, expectedVersion: review.version } },
    )
  ).startReview.review;
  step(13, `review started: recommendation ${started.recommendation}, snapshot ${JSON.stringify(started.snapshot)}`);
  const done = (
    await gql(
      li,
      `mutation($i: CompleteReviewInput!) { completeReview(input: $i) { review { status outcome } userErrors { code field message } } }`,
      {
        i: {
          reviewId: review.id,
          outcome: "MAINTAIN",
          notes: "Client topped up collateral by phone",
          expectedVersion: started.version,
        },
      },
    )
  ).completeReview.review;
  step(14, `review ${done.status}: ${done.outcome}`);
  v = (
    await gql(li, VAL, {
      i: { valuations: [{ facilityId: f.id, asOf: today, usedAmount: "5000000", collateralValue: "8000000" }] },
    })
  ).recordFacilityValuations;
  f = v.facilities[0];
  step(15, `recovered: ratio ${f.maintenanceRatio}, ${f.status}`);
  f = (
    await gql(
      rm,
      `mutation($i: ExtendFacilityInput!) { extendFacility(input: $i) { facility { ${FACILITY} } userErrors { code field message } } }`,
      { i: { facilityId: f.id, expectedVersion: f.version } },
    )
  ).extendFacility.facility;
  step(16, `extended: matures ${f.maturityDate} (${f.extensionsUsed} extension used)`);
  v = (
    await gql(li, VAL, {
      i: { valuations: [{ facilityId: f.id, asOf: today, usedAmount: "0", collateralValue: "8000000" }] },
    })
  ).recordFacilityValuations;
  f = v.facilities[0];
  f = (
    await gql(
      rm,
      `mutation($i: CloseFacilityInput!) { closeFacility(input: $i) { facility { ${FACILITY} } userErrors { code field message } } }`,
      { i: { facilityId: f.id, expectedVersion: f.version } },
    )
  ).closeFacility.facility;
  step(17, `repaid (nothing borrowed), then closed: facility ${f.status}`);
  const audit = await gql(
    compliance,
    `query($e: ID!) { auditLog(first: 50, filter: { entityId: $e }) { totalCount nodes { actor action } } }`,
    { e: f.id },
  );
  step(
    18,
    `audit trail of the facility: ${audit.auditLog.nodes.map((n: { action: string; actor: string }) => `${n.action}/${n.actor}`).join(", ")}`,
  );
}

main().catch((err: unknown) => {
  console.error(`journey failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
