import Decimal from "decimal.js";
import type { DataSource } from "typeorm";
import { FixedClock } from "../../../src/domain/clock";
import { FacilityStatus, Role, type UserErrorCode } from "../../../src/domain/enums";
import { AlertEntity, CreditFacilityEntity, PostLoanReviewEntity } from "../../../src/entities";
import { Refusal } from "../../../src/errors";
import { toGlobalId, type NodeType } from "../../../src/domain/global-id";
import type { Viewer } from "../../../src/services/access/viewer";
import { FacilityService } from "../../../src/services/lifecycle/facilities";
import { MonitoringService } from "../../../src/services/lifecycle/monitoring";
import { ReviewService } from "../../../src/services/lifecycle/reviews";
import { buildFacility } from "../../support/factories";
import { clientWith, plainProduct, type ClientSetup } from "../../lifecycle/helpers";
import type { ProductEntity } from "../../../src/entities";

/** Service-tier lifecycle fixtures (SPEC §5): the services wired by hand on one database and a fixed clock. */

/** Friday 27 November 2026, as in test/lifecycle/rules.test.ts. */
export const NOW = new Date("2026-11-27T08:00:00.000Z");
export const EXPIRED = new Date("2026-11-01T00:00:00.000Z");
export const DISCLOSURE = "2026-01";

export const LI: Viewer = { subject: "ro-li", roles: [Role.RISK_OFFICER], branch: null };
export const WANG: Viewer = { subject: "ro-wang", roles: [Role.RISK_OFFICER], branch: null };
export const RM: Viewer = { subject: "rm-zhang", roles: [Role.RELATIONSHIP_MANAGER], branch: "SH-PUDONG" };

export function services(ds: DataSource) {
  const clock = new FixedClock(NOW);
  return {
    clock,
    facilities: new FacilityService(ds, clock, DISCLOSURE),
    reviews: new ReviewService(ds, clock),
    monitoring: new MonitoringService(ds, clock),
  };
}

/** The codes of the Refusal a call throws; fails when it resolves or throws anything else. */
export async function refusalCodes(call: Promise<unknown>): Promise<UserErrorCode[]> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof Refusal)) throw new Error(`expected a Refusal, got ${String(err)}`);
  return err.errors.map((e) => e.code);
}

export interface Setup extends ClientSetup {
  product?: Partial<ProductEntity>;
  facility?: Partial<CreditFacilityEntity>;
}

/** A client (3,200,000 AA by default: segment B, STANDARD, recommended 4,800,000) and a plain product. */
export async function fixture(ds: DataSource, o: Setup = {}) {
  const client = await clientWith(ds, o);
  const product = await plainProduct(ds, o.product);
  return { client, product };
}

/** …with a facility (ACTIVE, approved 1,500,000, used 800,000, collateral 1,400,000, ratio 1.75, version 3). */
export async function withFacility(ds: DataSource, o: Setup = {}) {
  const fx = await fixture(ds, o);
  const facility = await buildFacility(ds, fx.client, fx.product, o.facility ?? {});
  return { ...fx, facility };
}

export function nothingBorrowed(): Partial<CreditFacilityEntity> {
  return { usedAmount: new Decimal(0), collateralValue: new Decimal(0), maintenanceRatio: null };
}

export function pendingSignature(): Partial<CreditFacilityEntity> {
  return {
    status: FacilityStatus.PENDING_SIGNATURE,
    ...nothingBorrowed(),
    valuationAsOf: null,
    startDate: null,
    maturityDate: null,
    disclosureVersion: null,
    disclosureAcknowledgedAt: null,
    version: 1,
  };
}

export function ratio(used: number, collateral: number): Partial<CreditFacilityEntity> {
  return {
    usedAmount: new Decimal(used),
    collateralValue: new Decimal(collateral),
    maintenanceRatio: new Decimal(collateral).div(used).toDecimalPlaces(4, Decimal.ROUND_DOWN),
  };
}

export const facilityRow = (ds: DataSource, id: number) => ds.manager.findOneByOrFail(CreditFacilityEntity, { id });
export const reviewsOf = (ds: DataSource, facilityId: number) =>
  ds.manager.find(PostLoanReviewEntity, { where: { facilityId }, order: { id: "ASC" } });
export const alertsOf = (ds: DataSource, facilityId: number) =>
  ds.manager.find(AlertEntity, { where: { facilityId }, order: { id: "ASC" } });

export interface AuditRow {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
}

/** The audit entries about one entity, in writing order. */
export function auditOf(ds: DataSource, entityType: NodeType, id: number): Promise<AuditRow[]> {
  return ds.query(
    "SELECT `actor`, `action`, `entityType`, `entityId` FROM `audit_entry` WHERE `entityId` = ? ORDER BY `id`",
    [toGlobalId(entityType, id)],
  ) as Promise<AuditRow[]>;
}
