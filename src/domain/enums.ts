/**
 * Domain vocabulary shared by entities, services and the GraphQL schema.
 * String enums: the stored value, the GraphQL value and the TypeScript value are one and the same.
 */

export enum ClientType {
  INDIVIDUAL = "INDIVIDUAL",
  INSTITUTION = "INSTITUTION",
}

export enum ClientStatus {
  ACTIVE = "ACTIVE",
  RESTRICTED = "RESTRICTED",
  CLOSED = "CLOSED",
}

export enum InvestorCategory {
  ORDINARY = "ORDINARY",
  PROFESSIONAL = "PROFESSIONAL",
}

/** Investor risk tolerance, lowest (C1) to highest (C5). */
export enum RiskLevel {
  C1 = "C1",
  C2 = "C2",
  C3 = "C3",
  C4 = "C4",
  C5 = "C5",
}

/** Product risk rating, lowest (R1) to highest (R5). */
export enum ProductRiskLevel {
  R1 = "R1",
  R2 = "R2",
  R3 = "R3",
  R4 = "R4",
  R5 = "R5",
}

export enum InvestmentHorizon {
  SHORT = "SHORT",
  MEDIUM = "MEDIUM",
  LONG = "LONG",
}

/** Internal credit rating, best (AAA) to worst (C). */
export enum CreditRating {
  AAA = "AAA",
  AA = "AA",
  A = "A",
  BBB = "BBB",
  BB = "BB",
  B = "B",
  C = "C",
}

export enum ProductKind {
  STRUCTURED_FINANCING = "STRUCTURED_FINANCING",
  STANDARD_CREDIT = "STANDARD_CREDIT",
  SMALL_CREDIT = "SMALL_CREDIT",
  SECURITIES_LENDING = "SECURITIES_LENDING",
}

export enum ApprovalTier {
  AUTO = "AUTO",
  STANDARD = "STANDARD",
  COMMITTEE = "COMMITTEE",
}

export enum FacilityStatus {
  REJECTED = "REJECTED",
  PENDING_APPROVAL = "PENDING_APPROVAL",
  PENDING_SIGNATURE = "PENDING_SIGNATURE",
  ACTIVE = "ACTIVE",
  MARGIN_CALL = "MARGIN_CALL",
  SUSPENDED = "SUSPENDED",
  LIQUIDATING = "LIQUIDATING",
  CLOSED = "CLOSED",
}

export enum ReviewStatus {
  SCHEDULED = "SCHEDULED",
  IN_PROGRESS = "IN_PROGRESS",
  COMPLETED = "COMPLETED",
  CANCELLED = "CANCELLED",
}

export enum ReviewTrigger {
  PERIODIC = "PERIODIC",
  MARGIN_CALL = "MARGIN_CALL",
  RATING_DOWNGRADE = "RATING_DOWNGRADE",
  ASSESSMENT_EXPIRY = "ASSESSMENT_EXPIRY",
  MATURITY = "MATURITY",
  MANUAL = "MANUAL",
}

export enum ReviewOutcome {
  MAINTAIN = "MAINTAIN",
  INCREASE_LIMIT = "INCREASE_LIMIT",
  DECREASE_LIMIT = "DECREASE_LIMIT",
  SUSPEND = "SUSPEND",
  MARGIN_CALL = "MARGIN_CALL",
  FORCED_LIQUIDATION = "FORCED_LIQUIDATION",
  TERMINATE = "TERMINATE",
}

export enum AlertKind {
  MAINTENANCE_WARNING = "MAINTENANCE_WARNING",
  MARGIN_CALL = "MARGIN_CALL",
  LIQUIDATION = "LIQUIDATION",
  ASSESSMENT_EXPIRING = "ASSESSMENT_EXPIRING",
  ASSESSMENT_EXPIRED = "ASSESSMENT_EXPIRED",
  MATURITY_DUE = "MATURITY_DUE",
  RATING_DOWNGRADE = "RATING_DOWNGRADE",
}

export enum AlertSeverity {
  INFO = "INFO",
  WARNING = "WARNING",
  CRITICAL = "CRITICAL",
}

export enum Role {
  VIEWER = "VIEWER",
  ANALYST = "ANALYST",
  RELATIONSHIP_MANAGER = "RELATIONSHIP_MANAGER",
  RISK_OFFICER = "RISK_OFFICER",
  COMPLIANCE = "COMPLIANCE",
  ADMIN = "ADMIN",
}

/** The check a FitReason reports on. */
export enum FitCode {
  CLIENT_STATUS = "CLIENT_STATUS",
  ASSESSMENT_VALID = "ASSESSMENT_VALID",
  LOWEST_CATEGORY = "LOWEST_CATEGORY",
  SUITABILITY = "SUITABILITY",
  MIN_ASSETS = "MIN_ASSETS",
  MAX_ASSETS = "MAX_ASSETS",
  MIN_EXPERIENCE = "MIN_EXPERIENCE",
  CREDIT_RATING = "CREDIT_RATING",
  CLIENT_TYPE = "CLIENT_TYPE",
  INVESTOR_CATEGORY = "INVESTOR_CATEGORY",
  RISK_LEVEL = "RISK_LEVEL",
  HORIZON = "HORIZON",
  SEGMENT = "SEGMENT",
  LIMIT_RANGE = "LIMIT_RANGE",
}

export enum UserErrorCode {
  INVALID = "INVALID",
  NOT_FOUND = "NOT_FOUND",
  DUPLICATE = "DUPLICATE",
  CONFLICT = "CONFLICT",
  INVALID_TRANSITION = "INVALID_TRANSITION",
  NOT_ELIGIBLE = "NOT_ELIGIBLE",
  ASSESSMENT_EXPIRED = "ASSESSMENT_EXPIRED",
  LIMIT_EXCEEDED = "LIMIT_EXCEEDED",
  FORBIDDEN = "FORBIDDEN",
}

export enum TradeSide {
  BUY = "BUY",
  SELL = "SELL",
}

/** How a satisfaction survey was answered (SPEC §13). */
export enum SatisfactionChannel {
  APP = "APP",
  PHONE = "PHONE",
  BRANCH = "BRANCH",
  ADVISOR = "ADVISOR",
}

/** The periods Segment.history groups snapshot dates into (SPEC §13). */
export enum HistoryInterval {
  DAY = "DAY",
  WEEK = "WEEK",
  MONTH = "MONTH",
}

/** Ordinal helpers: index 0 is the lowest risk tolerance / product risk, and the best rating. */
export const RISK_LEVEL_ORDER: readonly RiskLevel[] = [
  RiskLevel.C1,
  RiskLevel.C2,
  RiskLevel.C3,
  RiskLevel.C4,
  RiskLevel.C5,
];
export const PRODUCT_RISK_ORDER: readonly ProductRiskLevel[] = [
  ProductRiskLevel.R1,
  ProductRiskLevel.R2,
  ProductRiskLevel.R3,
  ProductRiskLevel.R4,
  ProductRiskLevel.R5,
];
/** Best first: `CREDIT_RATING_ORDER.indexOf(a) <= indexOf(b)` means a is at least as good as b. */
export const CREDIT_RATING_ORDER: readonly CreditRating[] = [
  CreditRating.AAA,
  CreditRating.AA,
  CreditRating.A,
  CreditRating.BBB,
  CreditRating.BB,
  CreditRating.B,
  CreditRating.C,
];
export const HORIZON_ORDER: readonly InvestmentHorizon[] = [
  InvestmentHorizon.SHORT,
  InvestmentHorizon.MEDIUM,
  InvestmentHorizon.LONG,
];
