import type { EntityManager } from "typeorm";
import Decimal from "decimal.js";
import { AuditEntryEntity } from "../../entities";
import { maskIdNumber, maskName, maskPhone } from "../access/policy";
import { toGlobalId } from "../../domain/global-id";
import { appendEvents } from "../../repositories/event.writes";
import { eventOfAudit } from "./events";

/**
 * Fields whose values are personal data: an audit entry keeps them masked, always (SPEC §6); the
 * declared income and financial assets, sealed at rest (SPEC §14), are recorded as changed, not valued.
 */
const WITHHELD = "[personal data]";
const PERSONAL: Partial<Record<string, (v: string) => string>> = {
  name: maskName,
  idNumber: maskIdNumber,
  phone: maskPhone,
  annualIncome: () => WITHHELD,
  financialAssets: () => WITHHELD,
};

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Decimal.isDecimal(value)) return (value as Decimal).toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export function auditChanges(changes: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const mask = PERSONAL[key];
    out[key] = mask && (typeof value === "string" || Decimal.isDecimal(value)) ? mask(String(value)) : plain(value);
  }
  return JSON.stringify(out);
}

/**
 * Every action the audit trail knows: one per mutation of the schema (named after it), and the
 * command-line bulk refresh. A new write adds its name here or does not compile.
 */
export const AUDIT_ACTIONS = [
  "registerClient",
  "updateClient",
  "submitRiskAssessment",
  "recordAssetSnapshots",
  "recordTrades",
  "refreshPortrait",
  "refreshPortraits",
  "upsertSegment",
  "upsertProduct",
  "applyForFacility",
  "approveFacility",
  "signFacility",
  "extendFacility",
  "closeFacility",
  "recordFacilityValuations",
  "processMaturities",
  "scheduleReviews",
  "createReview",
  "startReview",
  "completeReview",
  "cancelReview",
  "resolveAlert",
  "recordSatisfaction",
  "snapshotSegments",
  "deidentifyClient",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an entry is about: a row (its global id; a versioned row also records the version it left) or a job's batch. */
export type AuditEntity =
  | {
      type:
        | "Client"
        | "RiskAssessment"
        | "Segment"
        | "Product"
        | "CreditFacility"
        | "PostLoanReview"
        | "Alert"
        | "SatisfactionResponse";
      id: number;
      version?: number;
    }
  | { type: "Batch"; key: string };

/**
 * The one audit writer: an entry in the caller's transaction (SPEC §2: it commits with the change or
 * not at all), personal data masked. A versioned row's entry records the version the write left.
 * The same transaction appends the write's outbox event (SPEC §12), its payload free of personal data.
 */
export function recordAudit(
  manager: EntityManager,
  viewer: { subject: string },
  action: AuditAction,
  entity: AuditEntity,
  entry: { at: Date; changes?: Record<string, unknown> | null },
): Promise<void> {
  return recordAudits(manager, viewer, action, [{ entity, ...entry }]);
}

/**
 * recordAudit for the rows of one batch write (a valuation run): their entries in one INSERT, their
 * events appended together, in the order given.
 */
export async function recordAudits(
  manager: EntityManager,
  viewer: { subject: string },
  action: AuditAction,
  entries: readonly { entity: AuditEntity; at: Date; changes?: Record<string, unknown> | null }[],
): Promise<void> {
  if (entries.length === 0) return;
  const written = entries.map(({ entity, at, changes: given }) => {
    const version = entity.type === "Batch" ? undefined : entity.version;
    const changes = version === undefined ? (given ?? null) : { ...given, version };
    const entityId = entity.type === "Batch" ? entity.key : toGlobalId(entity.type, entity.id);
    return { entity, at, changes, entityId };
  });
  for (let i = 0; i < written.length; i += 1000) {
    await manager.insert(
      AuditEntryEntity,
      written.slice(i, i + 1000).map(({ at, entity, entityId, changes }) => ({
        at,
        actor: viewer.subject,
        action,
        entityType: entity.type,
        entityId,
        changes: changes ? auditChanges(changes) : null,
      })),
    );
  }
  await appendEvents(
    manager,
    written.map(({ entity, entityId, at, changes }) => {
      const event = eventOfAudit(action, entity, entityId, at, changes);
      return { ...event, payload: plain(event.payload) as Record<string, unknown> };
    }),
  );
}

/** A batch job's entry for one committed batch (SPEC §10), about the job and its as-of date. */
export function auditJobBatch(
  manager: EntityManager,
  viewer: { subject: string },
  job: "processMaturities" | "scheduleReviews" | "snapshotSegments",
  asOf: string,
  entry: { at: Date; changes: Record<string, unknown> },
): Promise<void> {
  return recordAudit(
    manager,
    viewer,
    job,
    { type: "Batch", key: `${job}:${asOf}` },
    {
      at: entry.at,
      changes: { asOf, ...entry.changes },
    },
  );
}
