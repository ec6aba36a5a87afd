import Decimal from "decimal.js";
import type { RowDataPacket } from "mysql2/promise";
import type { FitReason, FitSubject, ProductDef, SegmentDef } from "../../../src/services/matching";

export interface FloorSegment extends SegmentDef {
  id: number;
  name: string;
}
export interface FloorProduct extends ProductDef {
  id: number;
  name: string;
}
export interface FloorCatalogue {
  all: FloorSegment[];
  active: FloorSegment[];
  products: FloorProduct[];
}

export const CLIENT_COLUMNS = `c.\`id\`, c.\`clientNo\`, c.\`name\`, c.\`type\`, c.\`status\`, c.\`investorCategory\`, c.\`branch\`,
  c.\`openedAt\`, p.\`id\` AS pId, p.\`asOf\`, p.\`computedAt\`, p.\`riskLevel\`, p.\`horizon\`, p.\`lowestCategory\`,
  p.\`avgDailyAssets20d\`, p.\`totalAssets\`, p.\`experienceMonths\`, p.\`creditScore\`, p.\`creditRating\`,
  p.\`professionalEligible\`,
  (SELECT ra.\`validUntil\` FROM \`risk_assessment\` ra WHERE ra.\`clientId\` = c.\`id\`
    ORDER BY ra.\`assessedAt\` DESC, ra.\`id\` DESC LIMIT 1) AS validUntil
  FROM \`client\` c LEFT JOIN \`portrait\` p ON p.\`id\` = c.\`latestPortraitId\``;

export const SEGMENTS_SQL = `SELECT \`id\`, \`code\`, \`name\`, \`priority\`, \`active\`, \`minAvgDailyAssets\`, \`maxAvgDailyAssets\`,
  \`clientTypes\`, \`investorCategories\`, \`riskLevels\`, \`horizons\`, \`minExperienceMonths\`, \`minCreditRating\`
  FROM \`segment\` ORDER BY \`priority\`, \`code\``;

export const PRODUCTS_SQL = `SELECT p.\`id\`, p.\`code\`, p.\`name\`, p.\`riskLevel\`, p.\`horizon\`, p.\`minLimit\`, p.\`maxLimit\`,
  p.\`eligibilityMinAvgDailyAssets\`, p.\`eligibilityMinExperienceMonths\`, p.\`eligibilityMinCreditRating\`,
  p.\`eligibilityClientTypes\`, p.\`eligibilityProfessionalOnly\`,
  (SELECT GROUP_CONCAT(s.\`code\` ORDER BY ps.\`segmentId\` SEPARATOR ',') FROM \`product_segment\` ps
    JOIN \`segment\` s ON s.\`id\` = ps.\`segmentId\` WHERE ps.\`productId\` = p.\`id\`) AS segmentCodes
  FROM \`product\` p WHERE p.\`active\` = 1 ORDER BY p.\`code\``;

export const ids = (n: number) => new Array(n).fill("?").join(",");
export const iso = (v: unknown): string | null => (v === null ? null : `${String(v).replace(" ", "T")}Z`);
const decOrNull = (v: unknown): Decimal | null => (v === null ? null : new Decimal(String(v)));
const jsonOrNull = <T>(v: unknown): T | null => (v === null ? null : (JSON.parse(String(v)) as T));
export const reasonOut = (r: FitReason) => ({
  code: r.code,
  passed: r.passed,
  message: r.message,
  required: r.required,
  actual: r.actual,
});

export function segmentDef(r: RowDataPacket): FloorSegment {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    priority: r.priority,
    active: r.active === 1,
    criteria: {
      minAvgDailyAssets: decOrNull(r.minAvgDailyAssets),
      maxAvgDailyAssets: decOrNull(r.maxAvgDailyAssets),
      clientTypes: jsonOrNull(r.clientTypes),
      investorCategories: jsonOrNull(r.investorCategories),
      riskLevels: jsonOrNull(r.riskLevels),
      horizons: jsonOrNull(r.horizons),
      minExperienceMonths: r.minExperienceMonths,
      minCreditRating: r.minCreditRating,
    },
  };
}

export function productDef(r: RowDataPacket): FloorProduct {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    riskLevel: r.riskLevel,
    horizon: r.horizon,
    active: true,
    minLimit: new Decimal(r.minLimit),
    maxLimit: new Decimal(r.maxLimit),
    eligibility: {
      minAvgDailyAssets: new Decimal(r.eligibilityMinAvgDailyAssets),
      minExperienceMonths: r.eligibilityMinExperienceMonths,
      minCreditRating: r.eligibilityMinCreditRating,
      clientTypes: jsonOrNull(r.eligibilityClientTypes),
      professionalOnly: r.eligibilityProfessionalOnly === 1,
    },
    segmentCodes: r.segmentCodes === null ? [] : String(r.segmentCodes).split(","),
  };
}

export function subjectOfRow(r: RowDataPacket, now: number): FitSubject | null {
  if (r.pId === null) return null;
  return {
    clientType: r.type,
    clientStatus: r.status,
    investorCategory: r.investorCategory,
    riskLevel: r.riskLevel,
    lowestCategory: r.lowestCategory === 1,
    horizon: r.horizon,
    avgDailyAssets20d: new Decimal(r.avgDailyAssets20d),
    experienceMonths: r.experienceMonths,
    creditRating: r.creditRating,
    assessmentValid: r.validUntil !== null && Date.parse(iso(r.validUntil)!) > now,
  };
}

/** Approved limits of other products' open facilities, as the API's openLimitsExcluding. */
export function openLimits(facilities: RowDataPacket[], products: FloorProduct[]): (code: string) => Decimal {
  const idOf = new Map(products.map((p) => [p.code, p.id]));
  return (code) => {
    const id = idOf.get(code) ?? -1;
    let sum = new Decimal(0);
    for (const f of facilities) if (f.productId !== id) sum = sum.plus(f.approvedLimit);
    return sum;
  };
}
