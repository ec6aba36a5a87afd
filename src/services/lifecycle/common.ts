import Decimal from "decimal.js";
import { IsNull, type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from "typeorm";
import {
  AlertEntity,
  ClientEntity,
  CreditFacilityEntity,
  PortraitEntity,
  PostLoanReviewEntity,
  ProductEntity,
  ProductSegmentEntity,
  RiskAssessmentEntity,
  SegmentEntity,
} from "../../entities";
import { lockById, lockClients, lockClientsOfFacilities } from "../../db/locks";
import { hydrate, insertSkippingDuplicates, placeholders, sqlInstant } from "../../db/sql";
import { toGlobalId } from "../../domain/global-id";
import type { Viewer } from "../access/viewer";
import { writeAudit } from "../audit/audit";
import { AlertKind, AlertSeverity, ReviewStatus, ReviewTrigger, UserErrorCode } from "../../domain/enums";
import { Refusal } from "../../errors";
import { addDays } from "../../domain/dates";
import { productFit, bestSegment, type FitSubject, type ProductFitResult } from "../matching";
import {
  openLimitsExcluding,
  productRef,
  segmentRef,
  subjectOf,
  type ProductRef,
  type SegmentRef,
} from "../fit/catalogue";

export { lockById };

/**
 * Locks a row that belongs to a client (facility, review, alert) the way every client write does
 * (SPEC §10): the client first, then the row, which is then read as last committed.
 */
export async function lockWithClient<T extends ObjectLiteral & { clientId: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  id: number | null,
): Promise<T | null> {
  if (id === null) return null;
  const table = manager.connection.getMetadata(target).tableName;
  const owner = (await manager.query(`SELECT \`clientId\` FROM \`${table}\` WHERE \`id\` = ?`, [id])) as {
    clientId: unknown;
  }[];
  if (owner.length === 0) return null;
  await lockClients(manager, [Number(owner[0].clientId)]);
  return lockById(manager, target, id);
}

/**
 * The optimistic check, enforced by the database: the UPDATE only matches the row at the version the
 * caller saw; no match means someone else wrote first (CONFLICT, and the transaction rolls back).
 */
export async function updateVersioned<T extends ObjectLiteral & { id: number; version: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: T,
  expectedVersion: number,
  changes: Partial<T>,
): Promise<T> {
  const result = await manager.update(
    target,
    { id: row.id, version: expectedVersion } as never,
    { ...changes, version: expectedVersion + 1 } as never,
  );
  if (!result.affected) throw conflict();
  return Object.assign(row, changes, { version: expectedVersion + 1 });
}

export function conflict(): Refusal {
  return Refusal.of(UserErrorCode.CONFLICT, "The record was changed by someone else; reload and retry", [
    "input",
    "expectedVersion",
  ]);
}

export function checkVersion(current: number, expected: number): void {
  if (current !== expected) throw conflict();
}

/** `date` plus n weekdays (Saturdays and Sundays skipped). */
export function addWeekdays(date: string, n: number): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    const day = new Date(`${d}T00:00:00.000Z`).getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return d;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Raises an alert unless one of the same kind is still open for the facility (or client). Returns 1
 * if raised. The caller holds the client's lock, so the check sees every committed alert; the
 * database's UQ_alert_open makes a second open alert impossible even without it (SPEC §10).
 */
export async function raiseAlert(
  manager: EntityManager,
  a: {
    clientId: number;
    facilityId: number | null;
    kind: AlertKind;
    severity: AlertSeverity;
    message: string;
    deadline?: string | null;
    at: Date;
  },
): Promise<number> {
  const open = await manager.existsBy(AlertEntity, {
    clientId: a.clientId,
    facilityId: a.facilityId === null ? IsNull() : a.facilityId,
    kind: a.kind,
    resolvedAt: IsNull(),
  });
  if (open) return 0;
  const at = sqlInstant(a.at);
  return insertSkippingDuplicates(manager, "alert", ALERT_COLUMNS, [
    [a.clientId, a.facilityId, a.kind, a.severity, a.message, at, a.deadline ?? null, at],
  ]);
}

/** The columns of a newly raised alert, as insertSkippingDuplicates takes them. */
export const ALERT_COLUMNS = [
  "clientId",
  "facilityId",
  "kind",
  "severity",
  "message",
  "raisedAt",
  "deadline",
  "createdAt",
] as const;

/** The columns of a newly scheduled system review. */
export const REVIEW_COLUMNS = [
  "clientId",
  "facilityId",
  "trigger",
  "status",
  "dueDate",
  "notes",
  "createdAt",
  "updatedAt",
  "version",
] as const;

/**
 * Creates a system review unless one of the same trigger is already open for the facility. Returns 1
 * if created; UQ_review_open holds the rule in the database (SPEC §10).
 */
export async function openReview(
  manager: EntityManager,
  facility: CreditFacilityEntity,
  trigger: ReviewTrigger,
  dueDate: string,
  at: Date,
  notes: string | null = null,
): Promise<number> {
  const open = await manager.count(PostLoanReviewEntity, {
    where: [
      { facilityId: facility.id, trigger, status: ReviewStatus.SCHEDULED },
      { facilityId: facility.id, trigger, status: ReviewStatus.IN_PROGRESS },
    ],
  });
  if (open > 0) return 0;
  const stamp = sqlInstant(at);
  return insertSkippingDuplicates(manager, "post_loan_review", REVIEW_COLUMNS, [
    [facility.clientId, facility.id, trigger, ReviewStatus.SCHEDULED, dueDate, notes, stamp, stamp, 1],
  ]);
}

export interface FitNow {
  client: ClientEntity;
  subject: FitSubject | null;
  assessment: RiskAssessmentEntity | null;
  assessmentValid: boolean;
  segment: SegmentRef | null;
  fit: ProductFitResult<ProductRef> | null;
}

/** The product fit of a client now, from its latest portrait, inside the caller's transaction. */
export async function fitNow(
  manager: EntityManager,
  client: ClientEntity,
  product: ProductEntity,
  now: Date,
): Promise<FitNow> {
  const [portrait, assessment, facilities, segments, links] = await Promise.all([
    client.latestPortraitId === null ? null : manager.findOneBy(PortraitEntity, { id: client.latestPortraitId }),
    manager.findOne(RiskAssessmentEntity, {
      where: { clientId: client.id },
      order: { assessedAt: "DESC", id: "DESC" },
    }),
    manager.findBy(CreditFacilityEntity, { clientId: client.id }),
    manager.find(SegmentEntity, { order: { priority: "ASC", code: "ASC" } }),
    manager.findBy(ProductSegmentEntity, { productId: product.id }),
  ]);
  const active = segments.filter((s) => s.active).map(segmentRef);
  const subject = subjectOf(client, portrait, assessment?.validUntil ?? null, now);
  const assessmentValid = assessment !== null && assessment.validUntil.getTime() > now.getTime();
  if (subject === null) return { client, subject, assessment, assessmentValid, segment: null, fit: null };
  const segment = bestSegment(subject, active);
  const codes = links.map((l) => segments.find((s) => s.id === l.segmentId)?.code).filter((c): c is string => !!c);
  const fit = productFit(subject, productRef(product, codes), {
    segmentCode: segment?.code ?? null,
    openLimitsExcluding: () => openLimitsExcluding(facilities, product.id),
  });
  return { client, subject, assessment, assessmentValid, segment, fit };
}

export const ZERO = new Decimal(0);

const jobQueues = new WeakMap<DataSource, Map<string, Promise<unknown>>>();

/**
 * Batch jobs (maturities, review scheduling) run one at a time per job name. On MySQL a named lock
 * is held on a connection of the job's own for the whole run, while the job commits its work in
 * batches (each its own transaction, with its own audit entry: SPEC §10); a second run waits, then
 * finds nothing left to do. On SQLite the runs of a name queue in this process.
 */
export async function withJobLock<T>(ds: DataSource, name: string, fn: () => Promise<T>): Promise<T> {
  if (ds.options.type === "better-sqlite3") {
    const perSource = jobQueues.get(ds) ?? new Map<string, Promise<unknown>>();
    jobQueues.set(ds, perSource);
    const run = (perSource.get(name) ?? Promise.resolve()).then(fn);
    perSource.set(
      name,
      run.then(
        () => undefined,
        () => undefined,
      ),
    );
    return run;
  }
  const runner = ds.createQueryRunner("master");
  await runner.connect();
  try {
    const rows = (await runner.query("SELECT GET_LOCK(?, 60) AS got", [`margin:${name}`])) as { got: unknown }[];
    if (Number(rows[0]?.got) !== 1) throw conflict();
    try {
      return await fn();
    } finally {
      await runner.query("SELECT RELEASE_LOCK(?)", [`margin:${name}`]);
    }
  } finally {
    await runner.release();
  }
}

/** Locks these facilities (after their clients, SPEC §10) and reads them as last committed, in id order. */
export async function lockFacilities(manager: EntityManager, ids: readonly number[]): Promise<CreditFacilityEntity[]> {
  if (ids.length === 0) return [];
  await lockClientsOfFacilities(manager, ids);
  const forUpdate = manager.connection.options.type === "better-sqlite3" ? "" : " FOR UPDATE";
  const rows = (await manager.query(
    `SELECT * FROM \`credit_facility\` WHERE \`id\` IN (${placeholders(ids.length)}) ORDER BY \`id\`${forUpdate}`,
    [...ids],
  )) as ObjectLiteral[];
  return hydrate(manager.connection, CreditFacilityEntity, rows);
}

/** The audit entry of a facility write, with the version it left behind. */
export function auditFacility(
  manager: EntityManager,
  at: Date,
  viewer: Viewer,
  action: string,
  f: CreditFacilityEntity,
  changes: Record<string, unknown>,
): Promise<void> {
  return writeAudit(manager, {
    at,
    actor: viewer.subject,
    action,
    entityType: "CreditFacility",
    entityId: toGlobalId("CreditFacility", f.id),
    changes: { ...changes, version: f.version },
  });
}
