import type { NewEvent } from "../../repositories/event.writes";
import type { AuditAction, AuditEntity } from "./audit";

/**
 * The event type each audited write publishes (SPEC §12). approveFacility with approve: false is a
 * facility.rejected; a job's batch entry is a job.batch_committed about the job.
 */
const EVENT_TYPES: Record<AuditAction, string> = {
  registerClient: "client.registered",
  updateClient: "client.updated",
  submitRiskAssessment: "assessment.submitted",
  recordAssetSnapshots: "client.assets_recorded",
  recordTrades: "client.trades_recorded",
  refreshPortrait: "portrait.refreshed",
  refreshPortraits: "portrait.refreshed",
  upsertSegment: "segment.upserted",
  upsertProduct: "product.upserted",
  applyForFacility: "facility.applied",
  approveFacility: "facility.approved",
  signFacility: "facility.signed",
  extendFacility: "facility.extended",
  closeFacility: "facility.closed",
  recordFacilityValuations: "valuation.recorded",
  processMaturities: "facility.matured",
  scheduleReviews: "review.scheduled",
  createReview: "review.scheduled",
  startReview: "review.started",
  completeReview: "review.completed",
  cancelReview: "review.cancelled",
  resolveAlert: "alert.resolved",
  recordSatisfaction: "satisfaction.recorded",
  snapshotSegments: "segments.snapshotted",
  deidentifyClient: "client.deidentified",
};

/**
 * The only keys an event's payload carries: figures, states, dates and global ids. Everything else —
 * name, ID number, phone, income, financial assets, and free text such as notes, reasons and
 * satisfaction comments, which may hold personal data — is left out, so a new audited field reaches
 * consumers only when listed here.
 */
const PAYLOAD_KEYS = new Set([
  "version",
  "status",
  "asOf",
  "from",
  "to",
  "count",
  "created",
  "client",
  "facility",
  "branch",
  "investorCategory",
  "tradingSince",
  "professionalPortrait",
  "score",
  "riskLevel",
  "lowestCategory",
  "horizon",
  "assessedAt",
  "portraits",
  "downgraded",
  "code",
  "active",
  "segmentCodes",
  "approve",
  "tier",
  "requestedLimit",
  "approvedLimit",
  "blockers",
  "startDate",
  "maturityDate",
  "extensionsUsed",
  "usedAmount",
  "collateralValue",
  "maintenanceRatio",
  "dueDate",
  "recommendation",
  "outcome",
  "newLimit",
  "facilityStatus",
  "changes",
  "assessmentChanges",
  "downgrades",
  "fromFacilityId",
  "toFacilityId",
  "fromClientId",
  "toClientId",
  "surveyedOn",
  "channel",
]);

/** The event an audit entry publishes, its payload restricted to PAYLOAD_KEYS. */
export function eventOfAudit(
  action: AuditAction,
  entity: AuditEntity,
  entityId: string,
  at: Date,
  changes: Record<string, unknown> | null,
): NewEvent {
  const payload: Record<string, unknown> = { action };
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (PAYLOAD_KEYS.has(key) && value !== undefined) payload[key] = value;
  }
  if (entity.type === "Batch") {
    return { type: "job.batch_committed", aggregateType: "Job", aggregateId: entityId, occurredAt: at, payload };
  }
  const type = action === "approveFacility" && changes?.approve === false ? "facility.rejected" : EVENT_TYPES[action];
  return { type, aggregateType: entity.type, aggregateId: entityId, occurredAt: at, payload };
}
