import type Decimal from "decimal.js";
import type {
  ClientStatus,
  ClientType,
  CreditRating,
  FitCode,
  InvestmentHorizon,
  InvestorCategory,
  ProductRiskLevel,
  RiskLevel,
} from "../../domain/enums";

/**
 * What matching needs to know about a client: the latest portrait plus the few client and
 * assessment facts the suitability rules use (SPEC §3, §4). The caller assembles it; matching
 * never reads the database.
 */
export interface FitSubject {
  clientType: ClientType;
  clientStatus: ClientStatus;
  investorCategory: InvestorCategory;
  riskLevel: RiskLevel | null;
  /** The assessment marked the lowest category ("cannot accept any loss"): R1 products only. */
  lowestCategory: boolean;
  horizon: InvestmentHorizon | null;
  avgDailyAssets20d: Decimal;
  experienceMonths: number;
  creditRating: CreditRating;
  /** A non-expired risk assessment exists now. */
  assessmentValid: boolean;
}

/** A segment's criteria; null (or an empty list) means the criterion is not set. */
export interface SegmentCriteriaDef {
  minAvgDailyAssets: Decimal | null;
  /** Exclusive, so that adjacent tiers never overlap. */
  maxAvgDailyAssets: Decimal | null;
  clientTypes: ClientType[] | null;
  investorCategories: InvestorCategory[] | null;
  riskLevels: RiskLevel[] | null;
  horizons: InvestmentHorizon[] | null;
  minExperienceMonths: number | null;
  minCreditRating: CreditRating | null;
}

export interface SegmentDef {
  code: string;
  /** Lower wins: a client belongs to the matched active segment of lowest priority. */
  priority: number;
  active: boolean;
  criteria: SegmentCriteriaDef;
}

export interface ProductEligibilityDef {
  minAvgDailyAssets: Decimal;
  minExperienceMonths: number;
  minCreditRating: CreditRating;
  /** Null or empty: every client type. */
  clientTypes: ClientType[] | null;
  professionalOnly: boolean;
}

export interface ProductDef {
  code: string;
  riskLevel: ProductRiskLevel;
  horizon: InvestmentHorizon;
  active: boolean;
  minLimit: Decimal;
  maxLimit: Decimal;
  eligibility: ProductEligibilityDef;
  /** Codes of the segments the product is offered to; empty means every segment. */
  segmentCodes: string[];
}

/**
 * One check and its outcome.
 *
 * `message` is for people: money with thousands separators and 2 dp ("avg assets 3,200,000.00 <
 * 5,000,000.00"). `required` and `actual` are for machines and stay plain:
 * - money: 2 dp, no separators ("3200000.00"); counts: an integer ("24"); enums: their value ("C3");
 * - `required` is the condition: ">= 5000000.00", "< 10000000.00", ">= 24" for numbers,
 *   "at least BBB" / "at least C3" for ordinal enums, "one of A, B" for lists, and a bare value for
 *   equality ("ACTIVE", "R1", "PROFESSIONAL", "valid");
 * - `actual` is the client's value (the product's risk level for LOWEST_CATEGORY, the recommended
 *   limit for LIMIT_RANGE), null when the client has none;
 * - `required` is null when the product does not set the criterion (the check is reported, passed).
 */
export interface FitReason {
  code: FitCode;
  passed: boolean;
  message: string;
  required: string | null;
  actual: string | null;
}

export interface SegmentFitResult<S extends SegmentDef = SegmentDef> {
  segment: S;
  matched: boolean;
  /** Share of the set criteria that pass, 0 to 1, 4 dp; 1 when no criterion is set. */
  score: number;
  reasons: FitReason[];
}

export interface ProductFitResult<P extends ProductDef = ProductDef> {
  product: P;
  eligible: boolean;
  /** Ranking among eligible products, 0 to 1, 4 dp; 0 when not eligible. */
  score: number;
  /** Null when not eligible. */
  recommendedLimit: Decimal | null;
  /** The failed checks; empty exactly when eligible. */
  blockers: FitReason[];
  /** Every check, in SPEC §4 order, passed or not. */
  reasons: FitReason[];
}

export interface ProductFitContext {
  /** The client's segment (see `bestSegment`), null when none. */
  segmentCode: string | null;
  /**
   * Approved limits of the client's open facilities on products other than `productCode`
   * (SPEC §4: PENDING_SIGNATURE, ACTIVE, MARGIN_CALL, SUSPENDED). Computed by the caller.
   */
  openLimitsExcluding(productCode: string): Decimal;
}

export interface ProductFitsOptions {
  /** Keep at most this many results (after ordering). */
  first?: number | null;
  /** Drop products the client is not eligible for. */
  eligibleOnly?: boolean | null;
}
