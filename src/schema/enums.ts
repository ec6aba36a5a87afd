import { registerEnumType } from "type-graphql";
import * as E from "../domain/enums";

registerEnumType(E.ClientType, { name: "ClientType" });
registerEnumType(E.ClientStatus, { name: "ClientStatus" });
registerEnumType(E.InvestorCategory, { name: "InvestorCategory" });
registerEnumType(E.RiskLevel, {
  name: "RiskLevel",
  description: "Investor risk tolerance, lowest (C1) to highest (C5).",
});
registerEnumType(E.ProductRiskLevel, {
  name: "ProductRiskLevel",
  description: "Product risk rating, lowest (R1) to highest (R5).",
});
registerEnumType(E.InvestmentHorizon, { name: "InvestmentHorizon" });
registerEnumType(E.CreditRating, {
  name: "CreditRating",
  description: "Internal credit rating, best (AAA) to worst (C).",
});
registerEnumType(E.ProductKind, { name: "ProductKind" });
registerEnumType(E.ApprovalTier, { name: "ApprovalTier" });
registerEnumType(E.FacilityStatus, { name: "FacilityStatus" });
registerEnumType(E.ReviewStatus, { name: "ReviewStatus" });
registerEnumType(E.ReviewTrigger, { name: "ReviewTrigger" });
registerEnumType(E.ReviewOutcome, { name: "ReviewOutcome" });
registerEnumType(E.AlertKind, { name: "AlertKind" });
registerEnumType(E.AlertSeverity, { name: "AlertSeverity" });
registerEnumType(E.Role, { name: "Role" });
registerEnumType(E.FitCode, { name: "FitCode", description: "The check a FitReason reports on." });
registerEnumType(E.UserErrorCode, { name: "UserErrorCode" });
registerEnumType(E.TradeSide, { name: "TradeSide" });

export * from "../domain/enums";
