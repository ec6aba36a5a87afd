import type { EntityManager } from "typeorm";
import Decimal from "decimal.js";
import { AuditEntryEntity } from "../../entities";
import { maskIdNumber, maskName, maskPhone } from "../access/policy";

/** Fields whose values are personal data: an audit entry keeps them masked, always. */
const PERSONAL: Partial<Record<string, (v: string) => string>> = {
  name: maskName,
  idNumber: maskIdNumber,
  phone: maskPhone,
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
    out[key] = mask && typeof value === "string" ? mask(value) : plain(value);
  }
  return JSON.stringify(out);
}

export interface AuditRecord {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  changes?: Record<string, unknown> | null;
  at: Date;
}

/** Writes an audit entry with the caller's transaction (SPEC §2: same transaction as the change). */
export async function writeAudit(manager: EntityManager, record: AuditRecord): Promise<void> {
  await manager.insert(AuditEntryEntity, {
    at: record.at,
    actor: record.actor,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId,
    changes: record.changes ? auditChanges(record.changes) : null,
  });
}
