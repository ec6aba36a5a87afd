import { registerEnumType } from "type-graphql";
import * as E from "../domain/enums";

// Every enum value is described (SPEC §11); test/schema/descriptions.test.ts lists any that is not.

registerEnumType(E.ClientType, {
  name: "ClientType",
  description: "Whether the client is a person or an organisation.",
  valuesConfig: {
    INDIVIDUAL: { description: "A natural person." },
    INSTITUTION: { description: "A company or other organisation (ID number: unified social credit code)." },
  },
});
registerEnumType(E.ClientStatus, {
  name: "ClientStatus",
  description: "State of the client's margin account.",
  valuesConfig: {
    ACTIVE: { description: "Open; the only status in which a product may be taken (CLIENT_STATUS check)." },
    RESTRICTED: { description: "Open but restricted: fails CLIENT_STATUS, so no new facility." },
    CLOSED: { description: "Account closed: the exit." },
  },
});
registerEnumType(E.InvestorCategory, {
  name: "InvestorCategory",
  description: "Investor category under the suitability rules.",
  valuesConfig: {
    ORDINARY: { description: "Ordinary investor (the default)." },
    PROFESSIONAL: {
      description: "Professional investor: earned, not declared (the latest portrait must be professionalEligible).",
    },
  },
});
registerEnumType(E.RiskLevel, {
  name: "RiskLevel",
  description: "Investor risk tolerance, lowest (C1) to highest (C5).",
  valuesConfig: {
    C1: { description: "Conservative: score 0–19, or the lowest-category option chosen." },
    C2: { description: "Cautious: score 20–39." },
    C3: { description: "Steady: score 40–59." },
    C4: { description: "Active: score 60–79." },
    C5: { description: "Aggressive: score 80–100." },
  },
});
registerEnumType(E.ProductRiskLevel, {
  name: "ProductRiskLevel",
  description: "Product risk rating, lowest (R1) to highest (R5). A client of level Cn may take R1 to Rn.",
  valuesConfig: {
    R1: { description: "Low risk; the only level a lowest-category investor may take." },
    R2: { description: "Medium-low risk." },
    R3: { description: "Medium risk." },
    R4: { description: "Medium-high risk." },
    R5: { description: "High risk." },
  },
});
registerEnumType(E.InvestmentHorizon, {
  name: "InvestmentHorizon",
  description: "How long the investor means to stay invested.",
  valuesConfig: {
    SHORT: { description: "Under 1 year." },
    MEDIUM: { description: "1 to 3 years." },
    LONG: { description: "Over 3 years." },
  },
});
registerEnumType(E.CreditRating, {
  name: "CreditRating",
  description: "Internal credit rating, best (AAA) to worst (C), from the credit score (SPEC §3).",
  valuesConfig: {
    AAA: { description: "Score 90 or more; limit coefficient 2.0." },
    AA: { description: "Score 80–89; limit coefficient 1.5." },
    A: { description: "Score 70–79; limit coefficient 1.2." },
    BBB: { description: "Score 60–69; limit coefficient 1.0." },
    BB: { description: "Score 50–59; limit coefficient 0.8." },
    B: { description: "Score 40–49 (and the cap after a default); limit coefficient 0.5." },
    C: { description: "Score below 40; limit coefficient 0: no credit." },
  },
});
registerEnumType(E.ProductKind, {
  name: "ProductKind",
  description: "Kind of margin product.",
  valuesConfig: {
    STRUCTURED_FINANCING: { description: "Structured financing." },
    STANDARD_CREDIT: { description: "Standard margin financing." },
    SMALL_CREDIT: { description: "Small-amount margin financing." },
    SECURITIES_LENDING: { description: "Securities lending (short selling)." },
  },
});
registerEnumType(E.ApprovalTier, {
  name: "ApprovalTier",
  description: "Who approves a facility for a client of a segment (SPEC §5).",
  valuesConfig: {
    AUTO: {
      description: "No officer: an eligible application goes straight to PENDING_SIGNATURE (approvedBy `system`).",
    },
    STANDARD: { description: "One risk officer's approval." },
    COMMITTEE: { description: "Two approvals by different risk officers (four eyes)." },
  },
});
registerEnumType(E.FacilityStatus, {
  name: "FacilityStatus",
  description: "Lifecycle state of a credit facility (SPEC §5); open in every state but REJECTED and CLOSED.",
  valuesConfig: {
    REJECTED: { description: "Refused: not eligible when applied for, or rejected by an officer." },
    PENDING_APPROVAL: { description: "Eligible, waiting for risk officers' approval." },
    PENDING_SIGNATURE: { description: "Approved, waiting for the client's signature." },
    ACTIVE: { description: "Signed and in force." },
    MARGIN_CALL: {
      description: "Maintenance ratio below the margin-call line: margin must be restored by the alert's deadline.",
    },
    SUSPENDED: { description: "Suspended by a review: reduce-only." },
    LIQUIDATING: {
      description: "Collateral being sold: below the liquidation line, matured with debt, or by a review.",
    },
    CLOSED: { description: "Closed with nothing borrowed: the exit." },
  },
});
registerEnumType(E.ReviewStatus, {
  name: "ReviewStatus",
  description: "State of a post-loan review.",
  valuesConfig: {
    SCHEDULED: { description: "Opened, not started." },
    IN_PROGRESS: { description: "Started by its assignee; snapshot and recommendation captured." },
    COMPLETED: { description: "Completed with an outcome applied to the facility." },
    CANCELLED: { description: "Cancelled; the reason is in the notes." },
  },
});
registerEnumType(E.ReviewTrigger, {
  name: "ReviewTrigger",
  description: "Why a post-loan review was opened; at most one open review of a trigger per facility.",
  valuesConfig: {
    PERIODIC: { description: "The segment's review interval has passed (scheduleReviews)." },
    MARGIN_CALL: { description: "The facility went to MARGIN_CALL; due on the call's deadline." },
    RATING_DOWNGRADE: { description: "A new portrait lowered the client's credit rating." },
    ASSESSMENT_EXPIRY: { description: "The client's risk assessment expired (processMaturities)." },
    MATURITY: { description: "The facility reached maturity." },
    MANUAL: { description: "Opened by a risk officer (createReview)." },
  },
});
registerEnumType(E.ReviewOutcome, {
  name: "ReviewOutcome",
  description: "A review's decision and its effect on the facility (SPEC §5 completeReview).",
  valuesConfig: {
    MAINTAIN: { description: "No change." },
    INCREASE_LIMIT: {
      description:
        "Raise the approved limit to newLimit (ACTIVE only; at most the recommended limit, valid assessment).",
    },
    DECREASE_LIMIT: { description: "Lower the approved limit to newLimit (at least usedAmount)." },
    SUSPEND: { description: "→ SUSPENDED (reduce-only)." },
    MARGIN_CALL: { description: "→ MARGIN_CALL, with a MARGIN_CALL alert." },
    FORCED_LIQUIDATION: { description: "→ LIQUIDATING, with a CRITICAL LIQUIDATION alert." },
    TERMINATE: { description: "→ CLOSED when nothing is borrowed, else LIQUIDATING." },
  },
});
registerEnumType(E.AlertKind, {
  name: "AlertKind",
  description: "What an alert reports; at most one open alert of a kind per facility.",
  valuesConfig: {
    MAINTENANCE_WARNING: { description: "Maintenance ratio below the product's warning line." },
    MARGIN_CALL: { description: "Maintenance ratio below the margin-call line; deadline asOf + 2 weekdays." },
    LIQUIDATION: { description: "Maintenance ratio below the liquidation line, or a forced liquidation (CRITICAL)." },
    ASSESSMENT_EXPIRING: { description: "The client's risk assessment expires within 30 days." },
    ASSESSMENT_EXPIRED: { description: "The client's risk assessment has expired." },
    MATURITY_DUE: { description: "Maturity within 14 days (INFO), or matured with debt (CRITICAL)." },
    RATING_DOWNGRADE: { description: "A new portrait lowered the client's credit rating." },
  },
});
registerEnumType(E.AlertSeverity, {
  name: "AlertSeverity",
  description: "How urgent an alert is.",
  valuesConfig: {
    INFO: { description: "For information." },
    WARNING: { description: "Needs action soon." },
    CRITICAL: { description: "Needs action now (liquidation)." },
  },
});
registerEnumType(E.Role, {
  name: "Role",
  description: "A token's role; what each may do is SPEC §6's table (src/services/access/abilities.ts).",
  valuesConfig: {
    VIEWER: { description: "Reads the book; personal data masked." },
    ANALYST: { description: "Reads the book and the BI paths (Segment.members, stats, export)." },
    RELATIONSHIP_MANAGER: {
      description:
        "Serves the clients of its token's branch: sees only them (personal data in clear), registers, assesses, applies, signs, extends, closes.",
    },
    RISK_OFFICER: {
      description: "Credit decisions (approve, reviews, alerts), raw data, valuations and the batch jobs; book-wide.",
    },
    COMPLIANCE: { description: "Reads everything, personal data in clear, and the audit log." },
    ADMIN: { description: "Catalogue (segments, products), client records and the audit log; no credit decisions." },
  },
});
registerEnumType(E.FitCode, {
  name: "FitCode",
  description: "The check a FitReason reports on.",
  valuesConfig: {
    CLIENT_STATUS: { description: "Product: the client is ACTIVE." },
    ASSESSMENT_VALID: { description: "Product: the client has a non-expired risk assessment." },
    LOWEST_CATEGORY: { description: "Product: a lowest-category investor may take only R1 products." },
    SUITABILITY: { description: "Product: the client's risk level is at least the product's (C4 may take R1–R4)." },
    MIN_ASSETS: { description: "20-day average daily assets at least the minimum." },
    MAX_ASSETS: { description: "Segment: 20-day average daily assets below the maximum (exclusive)." },
    MIN_EXPERIENCE: { description: "Experience months at least the minimum." },
    CREDIT_RATING: { description: "Credit rating at least the minimum." },
    CLIENT_TYPE: { description: "Client type among those admitted." },
    INVESTOR_CATEGORY: { description: "Segment: investor category among those admitted; product: professional only." },
    RISK_LEVEL: { description: "Segment: risk level among those admitted (no level fails)." },
    HORIZON: { description: "Segment: horizon among those admitted (no horizon fails)." },
    SEGMENT: { description: "Product: when the product lists segments, the client's segment is one of them." },
    LIMIT_RANGE: { description: "Product: the recommended limit reaches the product's minimum limit." },
  },
});
registerEnumType(E.UserErrorCode, {
  name: "UserErrorCode",
  description: "Why a business rule refused a mutation (a userError, HTTP 200; nothing written).",
  valuesConfig: {
    INVALID: { description: "A value out of range or inconsistent with the rest of the input (see field)." },
    NOT_FOUND: { description: "An object the input names does not exist or is not visible." },
    DUPLICATE: {
      description: "Would create a second of something unique (clientNo, idNumber, open facility on a product).",
    },
    CONFLICT: {
      description: "expectedVersion is not the current version: someone else wrote first; re-read and retry.",
    },
    INVALID_TRANSITION: { description: "The object's current state does not allow this move." },
    NOT_ELIGIBLE: { description: "The client does not meet the rules (product fit, professional status)." },
    ASSESSMENT_EXPIRED: { description: "The client's risk assessment has expired: a new one is needed." },
    LIMIT_EXCEEDED: { description: "A limit above what the rules allow (requested, recommended)." },
    FORBIDDEN: { description: "This viewer may not make this change (e.g. a client of another branch)." },
  },
});
registerEnumType(E.TradeSide, {
  name: "TradeSide",
  description: "Direction of a trade.",
  valuesConfig: {
    BUY: { description: "Bought." },
    SELL: { description: "Sold." },
  },
});

export * from "../domain/enums";
registerEnumType(E.SatisfactionChannel, {
  name: "SatisfactionChannel",
  description: "How a satisfaction survey was answered (SPEC §13).",
  valuesConfig: {
    APP: { description: "In the mobile or web app." },
    PHONE: { description: "By telephone (call centre or relationship manager)." },
    BRANCH: { description: "At a branch counter." },
    ADVISOR: { description: "Through the client's investment adviser." },
  },
});
registerEnumType(E.HistoryInterval, {
  name: "HistoryInterval",
  description:
    "The periods Segment.history groups the snapshot dates into; each point is the last snapshot date of its period.",
  valuesConfig: {
    DAY: { description: "Every snapshot date." },
    WEEK: { description: "Calendar weeks, Monday to Sunday." },
    MONTH: { description: "Calendar months." },
  },
});
