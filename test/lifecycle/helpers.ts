import Decimal from "decimal.js";
import type { DataSource } from "typeorm";
import { ApprovalTier, CreditRating, Role } from "../../src/domain/enums";
import type { ClientEntity, ProductEntity, SegmentEntity } from "../../src/entities";
import {
  buildAssessment,
  buildClient,
  buildPortrait,
  buildProduct,
  buildSegment,
  type ClientSpec,
} from "../support/factories";
import type { TestServer } from "../support/server";

/** GraphQL plumbing shared by the lifecycle tests (SPEC §5): documents, typed payloads, readers. */

export const DISCLOSURE = "2026-01";

export interface UserErr {
  field: string[] | null;
  message: string;
  code: string;
}

export interface Reason {
  code: string;
  passed: boolean;
}

export interface Facility {
  id: string;
  status: string;
  requestedLimit: string;
  approvedLimit: string | null;
  usedAmount: string;
  collateralValue: string;
  maintenanceRatio: string | null;
  startDate: string | null;
  maturityDate: string | null;
  extensionsUsed: number;
  disclosureVersion: string | null;
  disclosureAcknowledgedAt: string | null;
  approvedBy: string | null;
  version: number;
  decisionReasons: Reason[];
}

export interface Snapshot {
  maintenanceRatio: string | null;
  usedAmount: string;
  approvedLimit: string;
  creditRating: string | null;
  riskLevel: string | null;
  assessmentExpired: boolean;
  daysToMaturity: number | null;
  recommendedLimit: string | null;
}

export interface Review {
  id: string;
  trigger: string;
  status: string;
  dueDate: string;
  assignee: string | null;
  startedAt: string | null;
  completedAt: string | null;
  snapshot: Snapshot | null;
  recommendation: string | null;
  outcome: string | null;
  newLimit: string | null;
  notes: string | null;
  version: number;
  facility: { id: string };
}

export interface AlertRow {
  id: string;
  kind: string;
  severity: string;
  message: string;
  deadline: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  facility: { id: string } | null;
}

export interface AuditRow {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  changes: string | null;
}

const FACILITY = `id status requestedLimit approvedLimit usedAmount collateralValue maintenanceRatio startDate maturityDate
  extensionsUsed disclosureVersion disclosureAcknowledgedAt approvedBy version decisionReasons { code passed }`;
const REVIEW = `id trigger status dueDate assignee startedAt completedAt
  snapshot { maintenanceRatio usedAmount approvedLimit creditRating riskLevel assessmentExpired daysToMaturity recommendedLimit }
  recommendation outcome newLimit notes version facility { id }`;
const ALERT = `id kind severity message deadline resolvedAt resolvedBy facility { id }`;
const ERRORS = `userErrors { field message code }`;

interface Payloads {
  applyForFacility: { facility: Facility | null; userErrors: UserErr[] };
  approveFacility: { facility: Facility | null; userErrors: UserErr[] };
  signFacility: { facility: Facility | null; userErrors: UserErr[] };
  extendFacility: { facility: Facility | null; userErrors: UserErr[] };
  closeFacility: { facility: Facility | null; userErrors: UserErr[] };
  recordFacilityValuations: { facilities: Facility[]; alertsRaised: number; userErrors: UserErr[] };
  processMaturities: { count: number; userErrors: UserErr[] };
  scheduleReviews: { count: number; userErrors: UserErr[] };
  createReview: { review: Review | null; userErrors: UserErr[] };
  startReview: { review: Review | null; userErrors: UserErr[] };
  completeReview: { review: Review | null; userErrors: UserErr[] };
  cancelReview: { review: Review | null; userErrors: UserErr[] };
  resolveAlert: { alert: AlertRow | null; userErrors: UserErr[] };
}

export type MutationName = keyof Payloads;

const DOCS: Record<MutationName, [string, string]> = {
  applyForFacility: ["ApplyForFacilityInput", `facility { ${FACILITY} } ${ERRORS}`],
  approveFacility: ["ApproveFacilityInput", `facility { ${FACILITY} } ${ERRORS}`],
  signFacility: ["SignFacilityInput", `facility { ${FACILITY} } ${ERRORS}`],
  extendFacility: ["ExtendFacilityInput", `facility { ${FACILITY} } ${ERRORS}`],
  closeFacility: ["CloseFacilityInput", `facility { ${FACILITY} } ${ERRORS}`],
  recordFacilityValuations: ["RecordFacilityValuationsInput", `facilities { ${FACILITY} } alertsRaised ${ERRORS}`],
  processMaturities: ["ProcessMaturitiesInput", `count ${ERRORS}`],
  scheduleReviews: ["ScheduleReviewsInput", `count ${ERRORS}`],
  createReview: ["CreateReviewInput", `review { ${REVIEW} } ${ERRORS}`],
  startReview: ["StartReviewInput", `review { ${REVIEW} } ${ERRORS}`],
  completeReview: ["CompleteReviewInput", `review { ${REVIEW} } ${ERRORS}`],
  cancelReview: ["CancelReviewInput", `review { ${REVIEW} } ${ERRORS}`],
  resolveAlert: ["ResolveAlertInput", `alert { ${ALERT} } ${ERRORS}`],
};

export function mutationDoc(name: MutationName): string {
  const [inputType, selection] = DOCS[name];
  return `mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} } }`;
}

/** Runs one mutation and returns its payload; a top-level error fails the test with the error text. */
export async function mutate<K extends MutationName>(
  server: TestServer,
  token: string,
  name: K,
  input: Record<string, unknown>,
): Promise<Payloads[K]> {
  const res = await server.gql<Record<K, Payloads[K]>>(token, mutationDoc(name), { input });
  if (res.body.errors?.length || !res.body.data?.[name]) {
    throw new Error(`${name} failed with HTTP ${res.status}: ${JSON.stringify(res.body.errors ?? res.body)}`);
  }
  return res.body.data[name];
}

/** The top-level error code of a mutation that must be denied (SPEC §6), with the field null. */
export async function deniedCode(
  server: TestServer,
  token: string,
  name: MutationName,
  input: Record<string, unknown>,
): Promise<string | undefined> {
  const res = await server.gql<Record<string, unknown>>(token, mutationDoc(name), { input });
  expect(res.body.data?.[name] ?? null).toBeNull();
  return res.body.errors?.[0]?.extensions?.code as string | undefined;
}

export async function readFacility(server: TestServer, token: string, id: string): Promise<Facility> {
  const res = await server.gql<{ node: Facility | null }>(
    token,
    `query($id: ID!) { node(id: $id) { ... on CreditFacility { ${FACILITY} } } }`,
    { id },
  );
  if (!res.body.data?.node) throw new Error(`facility ${id} not readable: ${JSON.stringify(res.body)}`);
  return res.body.data.node;
}

export async function readReview(server: TestServer, token: string, id: string): Promise<Review> {
  const res = await server.gql<{ node: Review | null }>(
    token,
    `query($id: ID!) { node(id: $id) { ... on PostLoanReview { ${REVIEW} } } }`,
    { id },
  );
  if (!res.body.data?.node) throw new Error(`review ${id} not readable: ${JSON.stringify(res.body)}`);
  return res.body.data.node;
}

/** Every review of a facility, oldest first. */
export async function reviewsOf(server: TestServer, token: string, facilityId: string): Promise<Review[]> {
  const res = await server.gql<{ node: { reviews: { nodes: Review[] } } | null }>(
    token,
    `query($id: ID!) { node(id: $id) { ... on CreditFacility { reviews(first: 100) { nodes { ${REVIEW} } } } } }`,
    { id: facilityId },
  );
  if (!res.body.data?.node) throw new Error(`facility ${facilityId} not readable: ${JSON.stringify(res.body)}`);
  return res.body.data.node.reviews.nodes;
}

/** Every alert of a client, open or resolved, oldest first. */
export async function alertsOf(server: TestServer, token: string, clientId: string): Promise<AlertRow[]> {
  const res = await server.gql<{ client: { alerts: { nodes: AlertRow[] } } | null }>(
    token,
    `query($id: ID!) { client(id: $id) { alerts(first: 100, openOnly: false) { nodes { ${ALERT} } } } }`,
    { id: clientId },
  );
  if (!res.body.data?.client) throw new Error(`client ${clientId} not readable: ${JSON.stringify(res.body)}`);
  return res.body.data.client.alerts.nodes;
}

/** The facilities of a client, as the read graph shows them. */
export async function facilitiesOf(server: TestServer, token: string, clientId: string): Promise<Facility[]> {
  const res = await server.gql<{ client: { facilities: Facility[] } | null }>(
    token,
    `query($id: ID!) { client(id: $id) { facilities { ${FACILITY} } } }`,
    { id: clientId },
  );
  if (!res.body.data?.client) throw new Error(`client ${clientId} not readable: ${JSON.stringify(res.body)}`);
  return res.body.data.client.facilities;
}

/** Rows of a table (the engines disagree on the type of COUNT(*): compare numbers). */
export async function countRows(ds: DataSource, table: string, where = "1 = 1"): Promise<number> {
  const rows = (await ds.query(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE ${where}`)) as { n: unknown }[];
  return Number(rows[0].n);
}

/** The audit trail straight from the table, in writing order. */
export async function auditRows(ds: DataSource): Promise<AuditRow[]> {
  return (await ds.query(
    "SELECT `actor`, `action`, `entityType`, `entityId`, `changes` FROM `audit_entry` ORDER BY `id`",
  )) as AuditRow[];
}

/** Everything a refused call must leave untouched. */
export async function footprint(ds: DataSource): Promise<Record<string, number>> {
  const tables = ["credit_facility", "facility_approval", "post_loan_review", "alert", "audit_entry"];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = await countRows(ds, t);
  const versions = (await ds.query("SELECT COALESCE(SUM(`version`), 0) AS v FROM `credit_facility`")) as {
    v: unknown;
  }[];
  out.facilityVersions = Number(versions[0].v);
  const reviewVersions = (await ds.query("SELECT COALESCE(SUM(`version`), 0) AS v FROM `post_loan_review`")) as {
    v: unknown;
  }[];
  out.reviewVersions = Number(reviewVersions[0].v);
  const resolved = (await ds.query("SELECT COUNT(*) AS n FROM `alert` WHERE `resolvedAt` IS NOT NULL")) as {
    n: unknown;
  }[];
  out.resolvedAlerts = Number(resolved[0].n);
  return out;
}

/**
 * The segments of SPEC §9, by average daily assets: COMMITTEE from 10,000,000 (reviews every 30
 * days), STANDARD from 1,000,000 (90), AUTO from 500,000 (180); below 500,000 no segment.
 */
export async function defaultSegments(ds: DataSource): Promise<Record<"A" | "B" | "C", SegmentEntity>> {
  const A = await buildSegment(ds, {
    code: "A",
    priority: 10,
    minAvgDailyAssets: new Decimal(10_000_000),
    maxAvgDailyAssets: null,
    approvalTier: ApprovalTier.COMMITTEE,
    reviewIntervalDays: 30,
  });
  const B = await buildSegment(ds, {
    code: "B",
    priority: 20,
    minAvgDailyAssets: new Decimal(1_000_000),
    maxAvgDailyAssets: new Decimal(10_000_000),
    approvalTier: ApprovalTier.STANDARD,
    reviewIntervalDays: 90,
  });
  const C = await buildSegment(ds, {
    code: "C",
    priority: 30,
    minAvgDailyAssets: new Decimal(500_000),
    maxAvgDailyAssets: new Decimal(1_000_000),
    approvalTier: ApprovalTier.AUTO,
    reviewIntervalDays: 180,
  });
  return { A, B, C };
}

export interface ClientSetup {
  avg?: string;
  rating?: CreditRating;
  validUntil?: Date | null;
  branch?: string;
  client?: ClientSpec;
}

/**
 * A client with a valid assessment (unless `validUntil` says otherwise; null: none) and a portrait
 * of the given average daily assets and rating.
 */
export async function clientWith(ds: DataSource, o: ClientSetup = {}): Promise<ClientEntity> {
  const client = await buildClient(ds, { branch: o.branch ?? "SH-PUDONG", ...o.client });
  if (o.validUntil !== null) {
    await buildAssessment(ds, client, o.validUntil ? { validUntil: o.validUntil } : {});
  }
  await buildPortrait(ds, client, {
    avgDailyAssets20d: new Decimal(o.avg ?? "3200000.00"),
    creditRating: o.rating ?? CreditRating.AA,
  });
  return client;
}

/** A product open to every segment: R3, limits 100,000 to 5,000,000, 180 days, lines 1.5 / 1.3 / 1.1. */
export function plainProduct(ds: DataSource, o: Partial<ProductEntity> = {}): Promise<ProductEntity> {
  return buildProduct(ds, { eligibilityMinAvgDailyAssets: new Decimal("100000"), ...o });
}

/** Tokens of the people of the journey: sub names are what the audit trail must show. */
export async function people(server: TestServer) {
  return {
    rm: await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-zhang", branch: "SH-PUDONG" }),
    rmOther: await server.token(Role.RELATIONSHIP_MANAGER, { sub: "rm-zhao", branch: "BJ-XICHENG" }),
    li: await server.token(Role.RISK_OFFICER, { sub: "ro-li" }),
    wang: await server.token(Role.RISK_OFFICER, { sub: "ro-wang" }),
    compliance: await server.token(Role.COMPLIANCE, { sub: "cmp-chen" }),
    admin: await server.token(Role.ADMIN, { sub: "admin-wu" }),
    viewer: await server.token(Role.VIEWER, { sub: "viewer-qian" }),
    analyst: await server.token(Role.ANALYST, { sub: "analyst-sun" }),
  };
}

/** `date` plus n calendar days. */
export function plusDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
