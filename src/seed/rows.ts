import type Decimal from "decimal.js";

/** Writes rows of one table with multi-row INSERTs, counting them for the summary. */
export type Put = (table: string, columns: readonly string[], values: unknown[][]) => Promise<void>;

/** Ids handed out across chunks, so every chunk continues where the previous one stopped. */
export interface SeedIds {
  facilityId: number;
  alertId: number;
  reviewId: number;
  /** Trades and satisfaction answers get their ids here too, not from AUTO_INCREMENT: chunks are written concurrently. */
  tradeId: number;
  satisfactionId: number;
  /** Portraits beyond the one per client (ids from `clients + 1`): the cohort portraits of SPEC §13. */
  portraitId: number;
}

export const money = (d: Decimal) => d.toFixed(2);

export const CLIENT_COLUMNS = [
  "id",
  "clientNo",
  "type",
  "status",
  "investorCategory",
  "name",
  "idNumber",
  "idNumberBlindIndex",
  "phone",
  "phoneBlindIndex",
  "branch",
  "tradingSince",
  "openedAt",
  "annualIncome",
  "financialAssets",
  "latestPortraitId",
  "createdAt",
  "updatedAt",
  "version",
];
export const SNAPSHOT_COLUMNS = ["clientId", "date", "totalAssets", "securitiesAssets", "liabilities", "recordedAt"];
export const TRADE_COLUMNS = ["id", "clientId", "tradeDate", "symbol", "side", "quantity", "amount", "recordedAt"];
export const ASSESSMENT_COLUMNS = [
  "id",
  "clientId",
  "questionnaireVersion",
  "answers",
  "score",
  "riskLevel",
  "lowestCategory",
  "horizon",
  "assessedAt",
  "validUntil",
  "createdAt",
];
export const FACILITY_COLUMNS = [
  "id",
  "clientId",
  "productId",
  "status",
  "approvalTier",
  "requestedLimit",
  "approvedLimit",
  "usedAmount",
  "collateralValue",
  "maintenanceRatio",
  "valuationAsOf",
  "annualRate",
  "startDate",
  "maturityDate",
  "extensionsUsed",
  "disclosureVersion",
  "disclosureAcknowledgedAt",
  "decisionReasons",
  "approvedBy",
  "defaultedAt",
  "createdAt",
  "updatedAt",
  "version",
];
export const ALERT_COLUMNS = [
  "id",
  "clientId",
  "facilityId",
  "kind",
  "severity",
  "message",
  "raisedAt",
  "deadline",
  "resolvedAt",
  "resolvedBy",
  "createdAt",
];
export const REVIEW_COLUMNS = [
  "id",
  "clientId",
  "facilityId",
  "trigger",
  "status",
  "dueDate",
  "assignee",
  "startedAt",
  "completedAt",
  "snapshot",
  "recommendation",
  "outcome",
  "newLimit",
  "notes",
  "createdAt",
  "updatedAt",
  "version",
];
