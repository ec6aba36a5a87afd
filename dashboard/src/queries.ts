/**
 * The dashboard's reads: aggregates only (SPEC §13), no client's name, ID number or phone. Each chart
 * has its own request, so a query one server does not serve yet leaves the other charts drawn.
 */

export type CreditRating = "AAA" | "AA" | "A" | "BBB" | "BB" | "B" | "C";
export type Severity = "INFO" | "WARNING" | "CRITICAL";

export const VIEWER = `query DashboardViewer { viewer { subject roles } }`;
export interface ViewerData {
  viewer: { subject: string; roles: string[] };
}

export const SIZES = `query DashboardSizes {
  segments {
    code
    name
    stats { clientCount activeFacilityCount totalApprovedLimit totalUsedAmount computedAt }
  }
}`;
export interface SizesData {
  segments: {
    code: string;
    name: string;
    stats: {
      clientCount: number;
      activeFacilityCount: number;
      totalApprovedLimit: string;
      totalUsedAmount: string;
      computedAt: string;
    };
  }[];
}

export const HISTORY = `query DashboardHistory($from: Date!, $to: Date!) {
  segments {
    code
    name
    history(from: $from, to: $to, interval: MONTH) { date clientCount activeFacilityCount totalApprovedLimit }
  }
}`;
export interface HistoryData {
  segments: {
    code: string;
    name: string;
    history: { date: string; clientCount: number; activeFacilityCount: number; totalApprovedLimit: string }[];
  }[];
}

export const MIGRATION = `query DashboardMigration($from: Date!, $to: Date!) {
  segmentMigration(from: $from, to: $to) {
    fromSegment { code name }
    toSegment { code name }
    clientCount
  }
}`;
export interface MigrationData {
  segmentMigration: {
    fromSegment: { code: string; name: string } | null;
    toSegment: { code: string; name: string } | null;
    clientCount: number;
  }[];
}

export const PERFORMANCE = `query DashboardPerformance($from: Date!, $to: Date!) {
  segmentPerformance(from: $from, to: $to) {
    segment { code name }
    clientCount
    facilitiesInForce
    facilitiesOpened
    utilization
    marginCallRate
    defaultRate
    interestIncome
    satisfactionResponses
    nps
  }
}`;
export interface PerformanceRow {
  segment: { code: string; name: string } | null;
  clientCount: number;
  facilitiesInForce: number;
  facilitiesOpened: number;
  utilization: string | null;
  marginCallRate: string | null;
  defaultRate: string | null;
  interestIncome: string;
  satisfactionResponses: number;
  nps: string | null;
}
export interface PerformanceData {
  segmentPerformance: PerformanceRow[];
}

export const CREDIT = `query DashboardCredit($cohortDate: Date!, $horizonDays: Int!) {
  creditModelPerformance(cohortDate: $cohortDate, horizonDays: $horizonDays) {
    cohortDate
    horizonDays
    clients
    bads
    auc
    ks
    ratings { creditRating clients bads badRate }
  }
}`;
export interface CreditData {
  creditModelPerformance: {
    cohortDate: string;
    horizonDays: number;
    clients: number;
    bads: number;
    auc: string | null;
    ks: string | null;
    ratings: { creditRating: CreditRating; clients: number; bads: number; badRate: string }[];
  };
}

/** Only the counts: no alert's client or message leaves the server for this chart. */
export const ALERTS = `query DashboardAlerts {
  info: alerts(first: 1, filter: { openOnly: true, severities: [INFO] }) { totalCount }
  warning: alerts(first: 1, filter: { openOnly: true, severities: [WARNING] }) { totalCount }
  critical: alerts(first: 1, filter: { openOnly: true, severities: [CRITICAL] }) { totalCount }
}`;
export interface AlertsData {
  info: { totalCount: number };
  warning: { totalCount: number };
  critical: { totalCount: number };
}
