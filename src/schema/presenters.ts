import type Decimal from "decimal.js";
import type {
  AlertEntity,
  AssetSnapshotEntity,
  AuditEntryEntity,
  ClientEntity,
  CreditFacilityEntity,
  PortraitEntity,
  PostLoanReviewEntity,
  ProductEntity,
  RiskAssessmentEntity,
  SatisfactionResponseEntity,
  SegmentEntity,
  TradeEntity,
} from "../entities";
import type { StoredFitReason } from "../entities/credit-facility.entity";
import { money, ratio } from "../domain/decimal";
import { isAssessmentValidAt } from "../domain/assessment";
import { canReadPersonalData, maskIdNumber, maskName, maskPhone } from "../services/access/policy";
import { open, openMoney } from "../crypto/personal-data";
import { PERSONAL_FIELDS, type AccessTrail, type PersonalField } from "../services/access/trail";
import type { Viewer } from "../services/access/viewer";
import { toGlobalId } from "./global-id";
import type { Questionnaire } from "../services/profile/questionnaire";
import {
  ClientGql,
  PortraitGql,
  QuestionGql,
  QuestionOptionGql,
  RiskAssessmentGql,
  RiskQuestionnaireGql,
  ScoreFactorGql,
} from "./types/client";
import type { ProductFitResult, SegmentFitResult } from "../services/matching";
import type { ProductRef, SegmentRef } from "../services/fit/catalogue";
import {
  FitReasonGql,
  ProductFitGql,
  SegmentFitGql,
  ProductEligibilityGql,
  ProductGql,
  SegmentCriteriaGql,
  SegmentGql,
  ServiceStrategyGql,
} from "./types/catalogue";
import { AssetSnapshotGql, TradeGql } from "./types/history";
import { SatisfactionResponseGql } from "./types/satisfaction";
import { AlertGql, AuditEntryGql, CreditFacilityGql, PostLoanReviewGql, ReviewSnapshotGql } from "./types/facility";

/**
 * Entity → GraphQL type, field by field. A column reaches the API only when a line here names it;
 * personal data passes through the masking policy.
 */

const moneyOrNull = (d: Decimal | null): string | null => (d === null ? null : money(d));
const ratioOrNull = (d: Decimal | null): string | null => (d === null ? null : ratio(d));

/** Who a presenter serves: the viewer the policy asks about, and the request's trail of clear reads. */
export interface Reader {
  viewer: Viewer;
  trail: AccessTrail;
}

/** The personal fields of a client, watched by the trail when presented in clear (SPEC §14). */
const CLIENT_PERSONAL = ["name", "idNumber", "phone", "annualIncome", "financialAssets"] as const;
const PORTRAIT_PERSONAL = ["annualIncome", "financialAssets"] as const;

/** Whether a field is one of the personal fields the trail records (SPEC §14). */
export function isPersonalField(field: string): field is PersonalField {
  return (PERSONAL_FIELDS as readonly string[]).includes(field);
}

/**
 * Each field of the Client type from its row, `clear` being canReadPersonalData: the one place a
 * client's field gets its value, for presentClient and for a planned page (resolvers/planned/),
 * which computes only the fields a query selects. Personal data is stored sealed (SPEC §14) and opened
 * here only: in clear for a viewer the policy allows, else opened just to be masked (name, ID number,
 * phone; the mask needs the characters it keeps). Declared income and financial assets are opened for
 * clear viewers only.
 */
export const CLIENT_FIELDS = {
  id: (c) => toGlobalId("Client", c.id),
  clientNo: (c) => c.clientNo,
  type: (c) => c.type,
  status: (c) => c.status,
  investorCategory: (c) => c.investorCategory,
  name: (c, clear) => (clear ? open(c.name) : maskName(open(c.name))),
  idNumber: (c, clear) => (clear ? open(c.idNumber) : maskIdNumber(open(c.idNumber))),
  phone: (c, clear) => (c.phone === null ? null : clear ? open(c.phone) : maskPhone(open(c.phone))),
  branch: (c) => c.branch,
  tradingSince: (c) => c.tradingSince,
  openedAt: (c) => c.openedAt,
  createdAt: (c) => c.createdAt,
  annualIncome: (c, clear) => (clear ? moneyOrNull(openMoney(c.annualIncome)) : null),
  financialAssets: (c, clear) => (clear ? moneyOrNull(openMoney(c.financialAssets)) : null),
} satisfies Record<string, (c: ClientEntity, clear: boolean) => unknown>;

export type ClientField = keyof typeof CLIENT_FIELDS;

const CLIENT_PLAIN = (Object.keys(CLIENT_FIELDS) as ClientField[]).filter(
  (f) => !(CLIENT_PERSONAL as readonly string[]).includes(f),
);

/**
 * Personal data passes through the masking policy (CLIENT_FIELDS). The personal fields are sealed at
 * rest, so each one is opened only when the executor reads it (a query that selects none opens
 * none); in clear, it is then noted on the trail when not null (AccessTrail.watchOpening).
 */
export function presentClient(c: ClientEntity, reader: Reader): ClientGql {
  const clear = canReadPersonalData(reader.viewer, c);
  const out = new ClientGql();
  const values = out as unknown as Record<ClientField, unknown>;
  for (const field of CLIENT_PLAIN) values[field] = CLIENT_FIELDS[field](c, clear);
  for (const field of CLIENT_PERSONAL) {
    reader.trail.watchOpening(out, c.id, field, () => CLIENT_FIELDS[field](c, clear), clear);
  }
  out.dbId = c.id;
  out.latestPortraitId = c.latestPortraitId;
  return out;
}

export function presentAssetSnapshot(s: AssetSnapshotEntity): AssetSnapshotGql {
  return Object.assign(new AssetSnapshotGql(), {
    date: s.date,
    totalAssets: money(s.totalAssets),
    securitiesAssets: money(s.securitiesAssets),
  });
}

export function presentTrade(t: TradeEntity): TradeGql {
  return Object.assign(new TradeGql(), {
    tradeDate: t.tradeDate,
    symbol: t.symbol,
    side: t.side,
    quantity: t.quantity,
    amount: money(t.amount),
  });
}

export function presentAssessment(a: RiskAssessmentEntity, now: Date): RiskAssessmentGql {
  const out = new RiskAssessmentGql();
  out.id = toGlobalId("RiskAssessment", a.id);
  out.clientDbId = a.clientId;
  out.score = a.score;
  out.riskLevel = a.riskLevel;
  out.lowestCategory = a.lowestCategory;
  out.horizon = a.horizon;
  out.assessedAt = a.assessedAt;
  out.validUntil = a.validUntil;
  out.expired = !isAssessmentValidAt(a, now);
  return out;
}

/**
 * Each field of the Portrait type from its row, `personalData` being canReadPersonalData for its
 * client: the declared income and financial assets a portrait copies are null otherwise (SPEC §11).
 * Shared by presentPortrait and a planned page, as CLIENT_FIELDS is.
 */
export const PORTRAIT_FIELDS = {
  id: (p) => toGlobalId("Portrait", p.id),
  asOf: (p) => p.asOf,
  computedAt: (p) => p.computedAt,
  riskLevel: (p) => p.riskLevel,
  horizon: (p) => p.horizon,
  avgDailyAssets20d: (p) => money(p.avgDailyAssets20d),
  assetDays: (p) => p.assetDays,
  totalAssets: (p) => money(p.totalAssets),
  financialAssets: (p, personalData) => (personalData ? moneyOrNull(openMoney(p.financialAssets)) : null),
  annualIncome: (p, personalData) => (personalData ? moneyOrNull(openMoney(p.annualIncome)) : null),
  experienceMonths: (p) => p.experienceMonths,
  annualTurnover: (p) => money(p.annualTurnover),
  marginCallsLast12m: (p) => p.marginCallsLast12m,
  defaultsCount: (p) => p.defaultsCount,
  creditScore: (p) => p.creditScore,
  creditRating: (p) => p.creditRating,
  creditFactors: (p) => p.creditFactors.map((f) => Object.assign(new ScoreFactorGql(), f)),
  professionalEligible: (p) => p.professionalEligible,
} satisfies Record<string, (p: PortraitEntity, personalData: boolean) => unknown>;

export type PortraitField = keyof typeof PORTRAIT_FIELDS;

/**
 * `personalData`: whether the viewer may read this client's personal data (canReadPersonalData); in
 * clear, the trail notes the declared figures when served (SPEC §14).
 */
export function presentPortrait(p: PortraitEntity, personalData: boolean, trail: AccessTrail): PortraitGql {
  const out = new PortraitGql();
  const values = out as unknown as Record<PortraitField, unknown>;
  for (const field of Object.keys(PORTRAIT_FIELDS) as PortraitField[]) {
    values[field] = PORTRAIT_FIELDS[field](p, personalData);
  }
  out.clientDbId = p.clientId;
  out.lowestCategory = p.lowestCategory;
  return personalData ? trail.watch(out, p.clientId, PORTRAIT_PERSONAL) : out;
}

/**
 * Presented once per loaded entity: a page of fits names the same few products and segments many
 * times, and entities are loaded per request, so this memo lives no longer than the request does.
 */
function memoised<E extends object, G>(present: (e: E) => G): (e: E) => G {
  const memo = new WeakMap<E, G>();
  return (e) => {
    let out = memo.get(e);
    if (out === undefined) {
      out = present(e);
      memo.set(e, out);
    }
    return out;
  };
}

export const presentSegment = memoised((s: SegmentEntity): SegmentGql => {
  const out = new SegmentGql();
  out.id = toGlobalId("Segment", s.id);
  out.dbId = s.id;
  out.code = s.code;
  out.name = s.name;
  out.description = s.description;
  out.priority = s.priority;
  out.active = s.active;
  out.criteria = Object.assign(new SegmentCriteriaGql(), {
    minAvgDailyAssets: moneyOrNull(s.minAvgDailyAssets),
    maxAvgDailyAssets: moneyOrNull(s.maxAvgDailyAssets),
    clientTypes: s.clientTypes,
    investorCategories: s.investorCategories,
    riskLevels: s.riskLevels,
    horizons: s.horizons,
    minExperienceMonths: s.minExperienceMonths,
    minCreditRating: s.minCreditRating,
  });
  out.strategy = Object.assign(new ServiceStrategyGql(), {
    approvalTier: s.approvalTier,
    reviewIntervalDays: s.reviewIntervalDays,
    advisoryService: s.advisoryService,
  });
  return out;
});

export const presentProduct = memoised((p: ProductEntity): ProductGql => {
  const out = new ProductGql();
  out.id = toGlobalId("Product", p.id);
  out.dbId = p.id;
  out.code = p.code;
  out.name = p.name;
  out.kind = p.kind;
  out.riskLevel = p.riskLevel;
  out.horizon = p.horizon;
  out.active = p.active;
  out.minLimit = money(p.minLimit);
  out.maxLimit = money(p.maxLimit);
  out.termDays = p.termDays;
  out.maxExtensions = p.maxExtensions;
  out.annualRate = ratio(p.annualRate);
  out.initialMarginRatio = ratio(p.initialMarginRatio);
  out.warningLine = ratio(p.warningLine);
  out.marginCallLine = ratio(p.marginCallLine);
  out.liquidationLine = ratio(p.liquidationLine);
  out.withdrawalLine = ratio(p.withdrawalLine);
  out.eligibility = Object.assign(new ProductEligibilityGql(), {
    minAvgDailyAssets: money(p.eligibilityMinAvgDailyAssets),
    minExperienceMonths: p.eligibilityMinExperienceMonths,
    minCreditRating: p.eligibilityMinCreditRating,
    clientTypes: p.eligibilityClientTypes,
    professionalOnly: p.eligibilityProfessionalOnly,
  });
  return out;
});

export function presentFitReason(r: StoredFitReason): FitReasonGql {
  return Object.assign(new FitReasonGql(), {
    code: r.code,
    passed: r.passed,
    message: r.message,
    required: r.required,
    actual: r.actual,
  });
}

export function presentFacility(f: CreditFacilityEntity): CreditFacilityGql {
  const out = new CreditFacilityGql();
  out.id = toGlobalId("CreditFacility", f.id);
  out.dbId = f.id;
  out.clientDbId = f.clientId;
  out.productDbId = f.productId;
  out.status = f.status;
  out.requestedLimit = money(f.requestedLimit);
  out.approvedLimit = moneyOrNull(f.approvedLimit);
  out.usedAmount = money(f.usedAmount);
  out.collateralValue = money(f.collateralValue);
  out.maintenanceRatio = ratioOrNull(f.maintenanceRatio);
  out.annualRate = ratio(f.annualRate);
  out.startDate = f.startDate;
  out.maturityDate = f.maturityDate;
  out.extensionsUsed = f.extensionsUsed;
  out.disclosureVersion = f.disclosureVersion;
  out.disclosureAcknowledgedAt = f.disclosureAcknowledgedAt;
  out.decisionReasons = f.decisionReasons.map(presentFitReason);
  out.approvedBy = f.approvedBy;
  out.createdAt = f.createdAt;
  out.version = f.version;
  return out;
}

/**
 * Each field of the PostLoanReview type from its row: for presentReview, and for a planned page,
 * which reads and computes only the fields a query selects (as CLIENT_FIELDS).
 */
export const REVIEW_FIELDS = {
  id: (r) => toGlobalId("PostLoanReview", r.id),
  trigger: (r) => r.trigger,
  status: (r) => r.status,
  dueDate: (r) => r.dueDate,
  assignee: (r) => r.assignee,
  startedAt: (r) => r.startedAt,
  completedAt: (r) => r.completedAt,
  snapshot: (r) => (r.snapshot === null ? null : Object.assign(new ReviewSnapshotGql(), r.snapshot)),
  recommendation: (r) => r.recommendation,
  outcome: (r) => r.outcome,
  newLimit: (r) => moneyOrNull(r.newLimit),
  notes: (r) => r.notes,
  version: (r) => r.version,
} satisfies Record<string, (r: PostLoanReviewEntity) => unknown>;

export type ReviewField = keyof typeof REVIEW_FIELDS;

export function presentReview(r: PostLoanReviewEntity): PostLoanReviewGql {
  const out = new PostLoanReviewGql();
  const values = out as unknown as Record<ReviewField, unknown>;
  for (const field of Object.keys(REVIEW_FIELDS) as ReviewField[]) values[field] = REVIEW_FIELDS[field](r);
  out.clientDbId = r.clientId;
  out.facilityDbId = r.facilityId;
  return out;
}

/**
 * A survey answer; its comment is personal data, sealed at rest (SPEC §14): opened for a viewer who
 * may read it (canReadPersonalData), else `***` without opening it; in clear, the trail notes it when
 * served.
 */
export function presentSatisfaction(
  r: SatisfactionResponseEntity,
  personalData: boolean,
  trail: AccessTrail,
): SatisfactionResponseGql {
  const out = Object.assign(new SatisfactionResponseGql(), {
    id: toGlobalId("SatisfactionResponse", r.id),
    dbId: r.id,
    clientDbId: r.clientId,
    surveyedOn: r.surveyedOn,
    score: r.score,
    channel: r.channel,
    comment: r.comment === null ? null : personalData ? open(r.comment) : "***",
    recordedBy: r.recordedBy,
    createdAt: r.createdAt,
  });
  return personalData ? trail.watch(out, r.clientId, ["comment"]) : out;
}

export function presentAlert(a: AlertEntity): AlertGql {
  const out = new AlertGql();
  out.id = toGlobalId("Alert", a.id);
  out.clientDbId = a.clientId;
  out.facilityDbId = a.facilityId;
  out.kind = a.kind;
  out.severity = a.severity;
  out.message = a.message;
  out.raisedAt = a.raisedAt;
  out.deadline = a.deadline;
  out.resolvedAt = a.resolvedAt;
  out.resolvedBy = a.resolvedBy;
  return out;
}

export function presentQuestionnaire(q: Questionnaire): RiskQuestionnaireGql {
  return Object.assign(new RiskQuestionnaireGql(), {
    version: q.version,
    questions: q.questions.map((question) =>
      Object.assign(new QuestionGql(), {
        id: question.id,
        text: question.text,
        options: question.options.map((o) =>
          Object.assign(new QuestionOptionGql(), {
            id: o.id,
            text: o.text,
            points: o.points,
            lowestCategory: o.lowestCategory,
            horizon: o.horizon,
          }),
        ),
      }),
    ),
  });
}

// A computed FitReason has exactly FitReason's five fields and no personal data, so it is served as
// it is rather than copied: a page of fits carries thousands of them.
export function presentSegmentFit(fit: SegmentFitResult<SegmentRef>): SegmentFitGql {
  return Object.assign(new SegmentFitGql(), {
    segment: presentSegment(fit.segment.entity),
    matched: fit.matched,
    score: fit.score,
    reasons: fit.reasons as FitReasonGql[],
  });
}

export function presentProductFit(fit: ProductFitResult<ProductRef>): ProductFitGql {
  return Object.assign(new ProductFitGql(), {
    product: presentProduct(fit.product.entity),
    eligible: fit.eligible,
    score: fit.score,
    recommendedLimit: fit.recommendedLimit === null ? null : money(fit.recommendedLimit),
    blockers: fit.blockers as FitReasonGql[],
    reasons: fit.reasons as FitReasonGql[],
  });
}

export function presentAudit(a: AuditEntryEntity): AuditEntryGql {
  return Object.assign(new AuditEntryGql(), {
    id: toGlobalId("AuditEntry", a.id),
    at: a.at,
    actor: a.actor,
    action: a.action,
    entityType: a.entityType,
    entityId: a.entityId,
    changes: a.changes,
  });
}
