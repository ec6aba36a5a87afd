import { inTransaction } from "../../db/transaction";
import Decimal from "decimal.js";
import { In, type DataSource } from "typeorm";
import { ProductEntity, ProductSegmentEntity, SegmentEntity } from "../../entities";
import type { Clock } from "../../domain/clock";
import {
  CreditRating,
  UserErrorCode,
  type ApprovalTier,
  type ClientType,
  type InvestmentHorizon,
  type InvestorCategory,
  type ProductKind,
  type ProductRiskLevel,
  type RiskLevel,
} from "../../domain/enums";
import { Refusal, UserError } from "../../errors";
import type { Viewer } from "../access/viewer";
import { recordAudit } from "../audit/audit";

type Dec = Decimal | string | null | undefined;
const dec = (v: Dec, fallback: string): Decimal => new Decimal(v ?? fallback);
const CODE = /^[A-Z][A-Z0-9_-]{0,31}$/;
const unique = <T>(xs: T[] | null | undefined): T[] | null => (xs && xs.length > 0 ? [...new Set(xs)] : null);

export interface UpsertSegmentProps {
  code: string;
  name: string;
  description?: string | null;
  priority: number;
  active?: boolean | null;
  criteria: {
    minAvgDailyAssets?: Decimal | null;
    maxAvgDailyAssets?: Decimal | null;
    clientTypes?: ClientType[] | null;
    investorCategories?: InvestorCategory[] | null;
    riskLevels?: RiskLevel[] | null;
    horizons?: InvestmentHorizon[] | null;
    minExperienceMonths?: number | null;
    minCreditRating?: CreditRating | null;
  };
  strategy: { approvalTier: ApprovalTier; reviewIntervalDays: number; advisoryService: boolean };
}

export interface UpsertProductProps {
  code: string;
  name: string;
  kind: ProductKind;
  riskLevel: ProductRiskLevel;
  horizon: InvestmentHorizon;
  active?: boolean | null;
  minLimit: Decimal;
  maxLimit: Decimal;
  termDays: number;
  maxExtensions: number;
  annualRate: Decimal;
  initialMarginRatio?: Dec;
  warningLine?: Dec;
  marginCallLine?: Dec;
  liquidationLine?: Dec;
  withdrawalLine?: Dec;
  eligibility: {
    minAvgDailyAssets?: Dec;
    minExperienceMonths?: number | null;
    minCreditRating?: CreditRating | null;
    clientTypes?: ClientType[] | null;
    professionalOnly?: boolean | null;
  };
  segmentCodes?: string[] | null;
}

/**
 * What upsertSegment refuses (INVALID, with the field): a code not of capitals, digits, - or _; a blank
 * name; a priority outside 0–1,000,000; negative amounts or min > max; experience outside 0–1,200
 * months; a review interval outside 1–3,650 days. previewSegmentChange refuses the same.
 */
export function segmentProblems(p: UpsertSegmentProps): UserError[] {
  const errors: UserError[] = [];
  const at = (...path: string[]) => ["input", ...path];
  if (!CODE.test(p.code))
    errors.push(
      new UserError(
        UserErrorCode.INVALID,
        "code must be 1–32 capitals, digits, - or _, starting with a letter",
        at("code"),
      ),
    );
  if (p.name.trim() === "") errors.push(new UserError(UserErrorCode.INVALID, "name must not be blank", at("name")));
  if (!Number.isInteger(p.priority) || p.priority < 0 || p.priority > 1_000_000) {
    errors.push(new UserError(UserErrorCode.INVALID, "priority must be between 0 and 1,000,000", at("priority")));
  }
  const { minAvgDailyAssets: min, maxAvgDailyAssets: max } = p.criteria;
  if (min && min.isNegative())
    errors.push(
      new UserError(
        UserErrorCode.INVALID,
        "minAvgDailyAssets must not be negative",
        at("criteria", "minAvgDailyAssets"),
      ),
    );
  if (max && max.isNegative())
    errors.push(
      new UserError(
        UserErrorCode.INVALID,
        "maxAvgDailyAssets must not be negative",
        at("criteria", "maxAvgDailyAssets"),
      ),
    );
  if (min && max && min.gt(max))
    errors.push(
      new UserError(
        UserErrorCode.INVALID,
        "minAvgDailyAssets must not exceed maxAvgDailyAssets",
        at("criteria", "maxAvgDailyAssets"),
      ),
    );
  const exp = p.criteria.minExperienceMonths;
  if (exp !== null && exp !== undefined && (exp < 0 || exp > 1200)) {
    errors.push(
      new UserError(
        UserErrorCode.INVALID,
        "minExperienceMonths must be between 0 and 1,200",
        at("criteria", "minExperienceMonths"),
      ),
    );
  }
  const interval = p.strategy.reviewIntervalDays;
  if (!Number.isInteger(interval) || interval < 1 || interval > 3650) {
    errors.push(
      new UserError(
        UserErrorCode.INVALID,
        "reviewIntervalDays must be between 1 and 3,650",
        at("strategy", "reviewIntervalDays"),
      ),
    );
  }
  return errors;
}

/** The stored values of an upserted segment (its id, dates and version aside). */
export function segmentValues(p: UpsertSegmentProps) {
  return {
    code: p.code,
    name: p.name.trim(),
    description: p.description ?? null,
    priority: p.priority,
    active: p.active ?? true,
    minAvgDailyAssets: p.criteria.minAvgDailyAssets ?? null,
    maxAvgDailyAssets: p.criteria.maxAvgDailyAssets ?? null,
    clientTypes: unique(p.criteria.clientTypes),
    investorCategories: unique(p.criteria.investorCategories),
    riskLevels: unique(p.criteria.riskLevels),
    horizons: unique(p.criteria.horizons),
    minExperienceMonths: p.criteria.minExperienceMonths ?? null,
    minCreditRating: p.criteria.minCreditRating ?? null,
    approvalTier: p.strategy.approvalTier,
    reviewIntervalDays: p.strategy.reviewIntervalDays,
    advisoryService: p.strategy.advisoryService,
  };
}

/**
 * Segments and products are data an ADMIN edits. Fits are computed per request from the stored
 * rows, so an edit changes every client's fit on the next request.
 */
export class CatalogueAdminService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates or updates the segment with this code. Refuses (INVALID): a code not of capitals, digits,
   * - or _; a blank name; a priority outside 0–1,000,000; negative amounts or min > max; experience
   * outside 0–1,200 months; a review interval outside 1–3,650 days.
   */
  async upsertSegment(viewer: Viewer, p: UpsertSegmentProps): Promise<SegmentEntity> {
    const errors = segmentProblems(p);
    if (errors.length > 0) throw new Refusal(errors);

    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const existing = await manager.findOneBy(SegmentEntity, { code: p.code });
      const values = { ...segmentValues(p), updatedAt: now };
      const segment = existing
        ? Object.assign(existing, values, { version: existing.version + 1 })
        : manager.create(SegmentEntity, { ...values, createdAt: now, version: 1 });
      await manager.save(segment);
      await recordAudit(
        manager,
        viewer,
        "upsertSegment",
        { type: "Segment", id: segment.id },
        {
          at: now,
          changes: { ...values, created: existing === null },
        },
      );
      return segment;
    });
  }

  /**
   * Creates or updates the product with this code. Refuses (INVALID): a bad code or blank name;
   * negative limits or minLimit > maxLimit; termDays outside 1–180; extensions outside 0–10; a rate
   * outside 0–1; risk lines not strictly ordered liquidation < margin call < warning < withdrawal;
   * unknown segment codes.
   */
  async upsertProduct(viewer: Viewer, p: UpsertProductProps): Promise<ProductEntity> {
    const errors: UserError[] = [];
    const at = (...path: string[]) => ["input", ...path];
    const err = (message: string, ...path: string[]) =>
      errors.push(new UserError(UserErrorCode.INVALID, message, at(...path)));
    if (!CODE.test(p.code)) err("code must be 1–32 capitals, digits, - or _, starting with a letter", "code");
    if (p.name.trim() === "") err("name must not be blank", "name");
    if (p.minLimit.isNegative()) err("minLimit must not be negative", "minLimit");
    if (p.minLimit.gt(p.maxLimit)) err("minLimit must not exceed maxLimit", "maxLimit");
    if (!Number.isInteger(p.termDays) || p.termDays < 1 || p.termDays > 180)
      err("termDays must be between 1 and 180", "termDays");
    if (!Number.isInteger(p.maxExtensions) || p.maxExtensions < 0 || p.maxExtensions > 10)
      err("maxExtensions must be between 0 and 10", "maxExtensions");
    if (p.annualRate.isNegative() || p.annualRate.gt(1)) err("annualRate must be between 0 and 1", "annualRate");
    const initial = dec(p.initialMarginRatio, "1.0000");
    const warning = dec(p.warningLine, "1.5000");
    const call = dec(p.marginCallLine, "1.3000");
    const liquidation = dec(p.liquidationLine, "1.1000");
    const withdrawal = dec(p.withdrawalLine, "3.0000");
    if (!initial.isPositive() || initial.isZero() || initial.gt(10))
      err("initialMarginRatio must be above 0 and at most 10", "initialMarginRatio");
    if (!liquidation.isPositive() || liquidation.isZero()) err("liquidationLine must be above 0", "liquidationLine");
    if (!liquidation.lt(call)) err("liquidationLine must be below marginCallLine", "liquidationLine");
    if (!call.lt(warning)) err("marginCallLine must be below warningLine", "marginCallLine");
    if (!warning.lt(withdrawal)) err("warningLine must be below withdrawalLine", "warningLine");
    if (withdrawal.gt(100)) err("withdrawalLine must be at most 100", "withdrawalLine");
    const eligMin = dec(p.eligibility.minAvgDailyAssets, "500000");
    const eligExp = p.eligibility.minExperienceMonths ?? 6;
    if (eligMin.isNegative()) err("minAvgDailyAssets must not be negative", "eligibility", "minAvgDailyAssets");
    if (!Number.isInteger(eligExp) || eligExp < 0 || eligExp > 1200)
      err("minExperienceMonths must be between 0 and 1,200", "eligibility", "minExperienceMonths");
    if (errors.length > 0) throw new Refusal(errors);

    const codes = [...new Set(p.segmentCodes ?? [])];
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const segments = codes.length === 0 ? [] : await manager.findBy(SegmentEntity, { code: In(codes) });
      const unknown = codes.filter((c) => !segments.some((s) => s.code === c));
      if (unknown.length > 0) {
        throw Refusal.of(UserErrorCode.INVALID, `${unknown.length} segment code(s) are unknown`, at("segmentCodes"));
      }
      const existing = await manager.findOneBy(ProductEntity, { code: p.code });
      const values = {
        code: p.code,
        name: p.name.trim(),
        kind: p.kind,
        riskLevel: p.riskLevel,
        horizon: p.horizon,
        active: p.active ?? true,
        minLimit: p.minLimit,
        maxLimit: p.maxLimit,
        termDays: p.termDays,
        maxExtensions: p.maxExtensions,
        annualRate: p.annualRate,
        initialMarginRatio: initial,
        warningLine: warning,
        marginCallLine: call,
        liquidationLine: liquidation,
        withdrawalLine: withdrawal,
        eligibilityMinAvgDailyAssets: eligMin,
        eligibilityMinExperienceMonths: eligExp,
        eligibilityMinCreditRating: p.eligibility.minCreditRating ?? CreditRating.B,
        eligibilityClientTypes: unique(p.eligibility.clientTypes),
        eligibilityProfessionalOnly: p.eligibility.professionalOnly ?? false,
        updatedAt: now,
      };
      const product = existing
        ? Object.assign(existing, values, { version: existing.version + 1 })
        : manager.create(ProductEntity, { ...values, createdAt: now, version: 1 });
      await manager.save(product);
      await manager.delete(ProductSegmentEntity, { productId: product.id });
      if (segments.length > 0) {
        await manager.insert(
          ProductSegmentEntity,
          segments.map((s) => ({ productId: product.id, segmentId: s.id })),
        );
      }
      await recordAudit(
        manager,
        viewer,
        "upsertProduct",
        { type: "Product", id: product.id },
        {
          at: now,
          changes: { ...values, segmentCodes: codes, created: existing === null },
        },
      );
      return product;
    });
  }
}
