import Decimal from "decimal.js";
import type { DataSource, DeepPartial, EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import {
  AlertEntity,
  ClientEntity,
  CreditFacilityEntity,
  FacilityValuationEntity,
  PortraitEntity,
  PostLoanReviewEntity,
  ProductEntity,
  ProductSegmentEntity,
  RiskAssessmentEntity,
  SatisfactionResponseEntity,
  SegmentEntity,
  SegmentSnapshotEntity,
} from "../../../src/entities";
import {
  AlertKind,
  AlertSeverity,
  ApprovalTier,
  ClientStatus,
  ClientType,
  CreditRating,
  FacilityStatus,
  InvestmentHorizon,
  InvestorCategory,
  ProductKind,
  ProductRiskLevel,
  ReviewStatus,
  ReviewTrigger,
  RiskLevel,
  SatisfactionChannel,
} from "../../../src/domain/enums";
import { residentIdCheckChar } from "../../../src/services/profile/identity";
import { idNumberIndex, phoneIndex, seal, sealMoney } from "../../../src/crypto/personal-data";

/**
 * Test data builders: sensible defaults, overrides for what a test is about. Entities (rows in the
 * database) here; the plain values matching takes are in ./matching (segmentDef, productDef, fitSubject).
 */

const T0 = new Date("2026-11-01T00:00:00.000Z");
let seq = 0;
const next = () => (seq += 1);
const at = (n: number) => new Date(T0.getTime() + n * 1000);

/**
 * The n-th of a series of distinct ID numbers (one investor, one account: SPEC §10): only the birth
 * date, which masking hides, varies, so every one masks as 110101********1234. The check character is
 * not recomputed: these rows are written past the intake's checks. buildClient starts at n = 1, so a
 * test may name 110101199003071234 (n = 0) itself.
 */
export function residentId(n: number): string {
  const birth = new Date(Date.UTC(1990, 2, 7) + n * 86_400_000).toISOString().slice(0, 10);
  return `110101${birth.replace(/-/g, "")}1234`;
}

/** The n-th of a series of distinct resident IDs that pass the intake's checks, for registrations through the API. */
export function validResidentId(n: number): string {
  const birth = new Date(Date.UTC(1980, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  const body = `310104${birth.replace(/-/g, "")}001`;
  return body + residentIdCheckChar(body);
}

let clients = 0;

/** Where a factory writes: the data source, or a transaction's manager (many rows in one commit). */
type Writer = DataSource | EntityManager;

async function save<T extends ObjectLiteral>(
  ds: Writer,
  target: EntityTarget<T>,
  row: DeepPartial<NoInfer<T>>,
): Promise<T> {
  const repo = ds.getRepository(target);
  return (await repo.save(repo.create(row) as T)) as T;
}

/**
 * A client row; its personal fields are given in clear (name, idNumber, phone, annualIncome,
 * financialAssets) and stored sealed with their blind indexes, as the intake stores them (SPEC §14).
 */
export type ClientSpec = Omit<
  Partial<ClientEntity>,
  "annualIncome" | "financialAssets" | "idNumberBlindIndex" | "phoneBlindIndex"
> & {
  annualIncome?: Decimal | null;
  financialAssets?: Decimal | null;
};

export function buildClient(ds: Writer, o: ClientSpec = {}): Promise<ClientEntity> {
  const n = next();
  const clear = {
    name: "王小明",
    idNumber: residentId((clients += 1)),
    phone: "13812345678" as string | null,
    annualIncome: new Decimal("600000") as Decimal | null,
    financialAssets: new Decimal("3000000") as Decimal | null,
    ...o,
  };
  return save(ds, ClientEntity, {
    clientNo: `T${String(n).padStart(8, "0")}`,
    type: ClientType.INDIVIDUAL,
    status: ClientStatus.ACTIVE,
    investorCategory: InvestorCategory.ORDINARY,
    branch: "SH-PUDONG",
    tradingSince: "2015-03-01",
    openedAt: "2016-05-10",
    latestPortraitId: null,
    createdAt: at(n),
    updatedAt: at(n),
    version: 1,
    ...o,
    name: seal(clear.name),
    idNumber: seal(clear.idNumber),
    idNumberBlindIndex: idNumberIndex(clear.idNumber),
    phone: clear.phone === null ? null : seal(clear.phone),
    phoneBlindIndex: clear.phone === null ? null : phoneIndex(clear.phone),
    annualIncome: sealMoney(clear.annualIncome),
    financialAssets: sealMoney(clear.financialAssets),
  });
}

export function buildAssessment(ds: DataSource, client: ClientEntity, o: Partial<RiskAssessmentEntity> = {}) {
  const n = next();
  return save(ds, RiskAssessmentEntity, {
    clientId: client.id,
    questionnaireVersion: "2026-01",
    answers: [],
    score: 65,
    riskLevel: RiskLevel.C4,
    lowestCategory: false,
    horizon: InvestmentHorizon.MEDIUM,
    assessedAt: new Date("2026-01-15T02:00:00.000Z"),
    validUntil: new Date("2028-01-15T02:00:00.000Z"),
    createdAt: at(n),
    ...o,
  });
}

export async function buildPortrait(ds: Writer, client: ClientEntity, o: Partial<PortraitEntity> = {}) {
  const p = await save(ds, PortraitEntity, {
    clientId: client.id,
    asOf: "2026-11-26",
    computedAt: at(next()),
    riskLevel: RiskLevel.C4,
    horizon: InvestmentHorizon.MEDIUM,
    lowestCategory: false,
    avgDailyAssets20d: new Decimal("3200000.00"),
    assetDays: 20,
    totalAssets: new Decimal("3500000.00"),
    financialAssets: client.financialAssets,
    annualIncome: client.annualIncome,
    experienceMonths: 140,
    annualTurnover: new Decimal("4.25"),
    marginCallsLast12m: 0,
    defaultsCount: 0,
    creditScore: 85,
    creditRating: CreditRating.AA,
    creditFactors: [{ name: "avgDailyAssets20d", value: "3200000.00", points: 18 }],
    professionalEligible: true,
    ...o,
  });
  await ds.getRepository(ClientEntity).update({ id: client.id }, { latestPortraitId: p.id });
  client.latestPortraitId = p.id;
  return p;
}

export async function buildSegment(ds: DataSource, o: Partial<SegmentEntity> = {}) {
  const n = next();
  return save(ds, SegmentEntity, {
    code: `S${n}`,
    name: `Segment ${n}`,
    description: null,
    priority: 10,
    active: true,
    minAvgDailyAssets: new Decimal("1000000"),
    maxAvgDailyAssets: new Decimal("10000000"),
    clientTypes: null,
    investorCategories: null,
    riskLevels: null,
    horizons: null,
    minExperienceMonths: null,
    minCreditRating: null,
    approvalTier: ApprovalTier.STANDARD,
    reviewIntervalDays: 90,
    advisoryService: false,
    createdAt: at(n),
    updatedAt: at(n),
    version: 1,
    ...o,
  });
}

export async function buildProduct(ds: DataSource, o: Partial<ProductEntity> = {}, segments: SegmentEntity[] = []) {
  const n = next();
  const p = await save(ds, ProductEntity, {
    code: `P${n}`,
    name: `Product ${n}`,
    kind: ProductKind.STANDARD_CREDIT,
    riskLevel: ProductRiskLevel.R3,
    horizon: InvestmentHorizon.MEDIUM,
    active: true,
    minLimit: new Decimal("100000"),
    maxLimit: new Decimal("5000000"),
    termDays: 180,
    maxExtensions: 2,
    annualRate: new Decimal("0.0835"),
    initialMarginRatio: new Decimal("1.0000"),
    warningLine: new Decimal("1.5000"),
    marginCallLine: new Decimal("1.3000"),
    liquidationLine: new Decimal("1.1000"),
    withdrawalLine: new Decimal("3.0000"),
    eligibilityMinAvgDailyAssets: new Decimal("500000"),
    eligibilityMinExperienceMonths: 6,
    eligibilityMinCreditRating: CreditRating.B,
    eligibilityClientTypes: null,
    eligibilityProfessionalOnly: false,
    createdAt: at(n),
    updatedAt: at(n),
    version: 1,
    ...o,
  });
  for (const s of segments) await save(ds, ProductSegmentEntity, { productId: p.id, segmentId: s.id });
  return p;
}

export function buildFacility(
  ds: DataSource,
  client: ClientEntity,
  product: ProductEntity,
  o: Partial<CreditFacilityEntity> = {},
) {
  const n = next();
  return save(ds, CreditFacilityEntity, {
    clientId: client.id,
    productId: product.id,
    status: FacilityStatus.ACTIVE,
    approvalTier: ApprovalTier.STANDARD,
    requestedLimit: new Decimal("2000000"),
    approvedLimit: new Decimal("1500000"),
    usedAmount: new Decimal("800000"),
    collateralValue: new Decimal("1400000"),
    maintenanceRatio: new Decimal("1.7500"),
    valuationAsOf: "2026-11-26",
    annualRate: product.annualRate,
    startDate: "2026-09-01",
    maturityDate: "2027-02-28",
    extensionsUsed: 0,
    disclosureVersion: "2026-01",
    disclosureAcknowledgedAt: new Date("2026-09-01T03:00:00.000Z"),
    decisionReasons: [],
    approvedBy: "officer-li",
    defaultedAt: null,
    createdAt: at(n),
    updatedAt: at(n),
    version: 3,
    ...o,
  });
}

export function buildReview(ds: DataSource, facility: CreditFacilityEntity, o: Partial<PostLoanReviewEntity> = {}) {
  const n = next();
  return save(ds, PostLoanReviewEntity, {
    clientId: facility.clientId,
    facilityId: facility.id,
    trigger: ReviewTrigger.PERIODIC,
    status: ReviewStatus.SCHEDULED,
    dueDate: "2026-12-01",
    assignee: null,
    startedAt: null,
    completedAt: null,
    snapshot: null,
    recommendation: null,
    outcome: null,
    newLimit: null,
    notes: null,
    createdAt: at(n),
    updatedAt: at(n),
    version: 1,
    ...o,
  });
}

export function buildAlert(ds: DataSource, facility: CreditFacilityEntity, o: Partial<AlertEntity> = {}) {
  const n = next();
  return save(ds, AlertEntity, {
    clientId: facility.clientId,
    facilityId: facility.id,
    kind: AlertKind.MAINTENANCE_WARNING,
    severity: AlertSeverity.INFO,
    message: "Maintenance ratio below the warning line",
    raisedAt: at(n),
    deadline: null,
    resolvedAt: null,
    resolvedBy: null,
    createdAt: at(n),
    ...o,
  });
}

/** A satisfaction survey answer (SPEC §13). */
export function buildSatisfaction(
  ds: DataSource,
  client: ClientEntity,
  o: Partial<SatisfactionResponseEntity> = {},
): Promise<SatisfactionResponseEntity> {
  const n = next();
  return save(ds, SatisfactionResponseEntity, {
    clientId: client.id,
    surveyedOn: "2026-11-20",
    score: 8,
    channel: SatisfactionChannel.APP,
    recordedBy: "rm-zhang",
    createdAt: at(n),
    ...o,
    // Given in clear, stored sealed as the service stores it (SPEC §14).
    comment: o.comment === null || o.comment === undefined ? null : seal(o.comment),
  });
}

/** A client's segment snapshot on a date (SPEC §13); null segment: in no segment. */
export function buildSegmentSnapshot(
  ds: DataSource,
  client: ClientEntity,
  asOf: string,
  segment: SegmentEntity | null,
  o: Partial<SegmentSnapshotEntity> = {},
): Promise<SegmentSnapshotEntity> {
  return save(ds, SegmentSnapshotEntity, {
    asOf,
    clientId: client.id,
    segmentId: segment?.id ?? null,
    portraitId: client.latestPortraitId,
    avgDailyAssets20d: new Decimal("0"),
    facilitiesInForce: 0,
    approvedLimit: new Decimal("0"),
    ...o,
  });
}

/** One row of a facility's valuation history (SPEC §13). */
export function buildValuation(
  ds: DataSource,
  facility: CreditFacilityEntity,
  asOf: string,
  usedAmount: string,
  o: Partial<FacilityValuationEntity> = {},
): Promise<FacilityValuationEntity> {
  return save(ds, FacilityValuationEntity, {
    facilityId: facility.id,
    asOf,
    usedAmount: new Decimal(usedAmount),
    collateralValue: new Decimal(usedAmount).times(2),
    maintenanceRatio: new Decimal("2.0000"),
    recordedAt: new Date(`${asOf}T09:00:00.000Z`),
    ...o,
  });
}
