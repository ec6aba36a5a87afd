import { Role } from "../../domain/enums";

/**
 * What a viewer may do: one ability per role-gated operation of the API (each mutation, the BI fields,
 * the audit trail, the export) and per object-level rule of SPEC §6 (branch scope, personal data,
 * writes across branches). Code asks for an ability, never for a role.
 */
export enum Ability {
  REGISTER_CLIENT = "REGISTER_CLIENT",
  UPDATE_CLIENT = "UPDATE_CLIENT",
  SUBMIT_RISK_ASSESSMENT = "SUBMIT_RISK_ASSESSMENT",
  /** Import a legacy assessment with its own `assessedAt`. */
  IMPORT_DATED_ASSESSMENT = "IMPORT_DATED_ASSESSMENT",
  RECORD_ASSET_SNAPSHOTS = "RECORD_ASSET_SNAPSHOTS",
  RECORD_TRADES = "RECORD_TRADES",
  REFRESH_PORTRAIT = "REFRESH_PORTRAIT",

  APPLY_FOR_FACILITY = "APPLY_FOR_FACILITY",
  APPROVE_FACILITY = "APPROVE_FACILITY",
  SIGN_FACILITY = "SIGN_FACILITY",
  RECORD_FACILITY_VALUATIONS = "RECORD_FACILITY_VALUATIONS",
  EXTEND_FACILITY = "EXTEND_FACILITY",
  CLOSE_FACILITY = "CLOSE_FACILITY",
  PROCESS_MATURITIES = "PROCESS_MATURITIES",
  SCHEDULE_REVIEWS = "SCHEDULE_REVIEWS",
  CREATE_REVIEW = "CREATE_REVIEW",
  START_REVIEW = "START_REVIEW",
  COMPLETE_REVIEW = "COMPLETE_REVIEW",
  CANCEL_REVIEW = "CANCEL_REVIEW",
  RESOLVE_ALERT = "RESOLVE_ALERT",

  /** recordSatisfaction (SPEC §13). */
  RECORD_SATISFACTION = "RECORD_SATISFACTION",
  /** snapshotSegments, the daily segment snapshot (SPEC §13). */
  SNAPSHOT_SEGMENTS = "SNAPSHOT_SEGMENTS",
  /** previewSegmentChange (SPEC §13), on top of READ_SEGMENT_STATS. */
  PREVIEW_SEGMENT_CHANGE = "PREVIEW_SEGMENT_CHANGE",

  UPSERT_SEGMENT = "UPSERT_SEGMENT",
  UPSERT_PRODUCT = "UPSERT_PRODUCT",

  /** `Segment.members`. */
  READ_SEGMENT_MEMBERS = "READ_SEGMENT_MEMBERS",
  /** `Segment.stats`. */
  READ_SEGMENT_STATS = "READ_SEGMENT_STATS",
  /** `GET /export/segments/:code/members`. */
  EXPORT_SEGMENT_MEMBERS = "EXPORT_SEGMENT_MEMBERS",
  /** `auditLog`, and audit entries by `node`. */
  READ_AUDIT = "READ_AUDIT",
  /** `events`: the outbox stream (SPEC §12). */
  READ_EVENTS = "READ_EVENTS",
  /** `personalDataAccess`: who received a client's personal data in clear (SPEC §14). */
  READ_PERSONAL_DATA_ACCESS = "READ_PERSONAL_DATA_ACCESS",
  /** `GET /clients/{clientNo}/personal-data` for a client of any branch (SPEC §14). */
  COPY_PERSONAL_DATA = "COPY_PERSONAL_DATA",
  /** The same, for a client of the token's own branch. */
  COPY_OWN_BRANCH_PERSONAL_DATA = "COPY_OWN_BRANCH_PERSONAL_DATA",

  /** Writes about clients of any branch, whatever the branch scope of reads. */
  WRITE_EVERY_BRANCH = "WRITE_EVERY_BRANCH",
  /** Names, ID numbers and phones in clear, for clients of every branch. */
  READ_PERSONAL_DATA = "READ_PERSONAL_DATA",
  /** Names, ID numbers and phones in clear, for clients of the token's own branch. */
  READ_OWN_BRANCH_PERSONAL_DATA = "READ_OWN_BRANCH_PERSONAL_DATA",

  /*
   * Branch scope: every role holds at least one of these three (a role with none sees no client).
   * See branchScope in policy.ts for how they combine.
   */
  /** Reads every branch, even when another role of the viewer holds SCOPE_OWN_BRANCH. */
  SCOPE_EVERY_BRANCH = "SCOPE_EVERY_BRANCH",
  /** Reads only the token's branch (none without a branch claim), unless SCOPE_EVERY_BRANCH. */
  SCOPE_OWN_BRANCH = "SCOPE_OWN_BRANCH",
  /** Reads every branch, unless another role of the viewer holds SCOPE_OWN_BRANCH: never widens it. */
  SCOPE_EVERY_BRANCH_UNLESS_NARROWED = "SCOPE_EVERY_BRANCH_UNLESS_NARROWED",
}

const A = Ability;

/**
 * The only place roles are granted anything (SPEC §6). Adding a role: the Role enum, a row here, and
 * its scope ability.
 */
export const ROLE_ABILITIES: Readonly<Record<Role, readonly Ability[]>> = {
  [Role.VIEWER]: [A.SCOPE_EVERY_BRANCH_UNLESS_NARROWED],
  [Role.ANALYST]: [
    A.SCOPE_EVERY_BRANCH,
    A.READ_SEGMENT_MEMBERS,
    A.READ_SEGMENT_STATS,
    A.EXPORT_SEGMENT_MEMBERS,
    A.PREVIEW_SEGMENT_CHANGE,
  ],
  [Role.RELATIONSHIP_MANAGER]: [
    A.SCOPE_OWN_BRANCH,
    A.READ_OWN_BRANCH_PERSONAL_DATA,
    A.COPY_OWN_BRANCH_PERSONAL_DATA,
    A.REGISTER_CLIENT,
    A.UPDATE_CLIENT,
    A.SUBMIT_RISK_ASSESSMENT,
    A.APPLY_FOR_FACILITY,
    A.SIGN_FACILITY,
    A.EXTEND_FACILITY,
    A.CLOSE_FACILITY,
    A.RECORD_SATISFACTION,
  ],
  [Role.RISK_OFFICER]: [
    A.SCOPE_EVERY_BRANCH,
    A.READ_SEGMENT_MEMBERS,
    A.READ_SEGMENT_STATS,
    A.EXPORT_SEGMENT_MEMBERS,
    A.RECORD_ASSET_SNAPSHOTS,
    A.RECORD_TRADES,
    A.REFRESH_PORTRAIT,
    A.APPROVE_FACILITY,
    A.RECORD_FACILITY_VALUATIONS,
    A.EXTEND_FACILITY,
    A.CLOSE_FACILITY,
    A.PROCESS_MATURITIES,
    A.SCHEDULE_REVIEWS,
    A.CREATE_REVIEW,
    A.START_REVIEW,
    A.COMPLETE_REVIEW,
    A.CANCEL_REVIEW,
    A.RESOLVE_ALERT,
    A.READ_EVENTS,
    A.SNAPSHOT_SEGMENTS,
    A.PREVIEW_SEGMENT_CHANGE,
  ],
  [Role.COMPLIANCE]: [
    A.SCOPE_EVERY_BRANCH,
    A.READ_PERSONAL_DATA,
    A.READ_PERSONAL_DATA_ACCESS,
    A.COPY_PERSONAL_DATA,
    A.READ_AUDIT,
    A.READ_EVENTS,
    A.READ_SEGMENT_MEMBERS,
    A.READ_SEGMENT_STATS,
    A.EXPORT_SEGMENT_MEMBERS,
  ],
  [Role.ADMIN]: [
    A.SCOPE_EVERY_BRANCH,
    A.WRITE_EVERY_BRANCH,
    A.READ_PERSONAL_DATA_ACCESS,
    A.READ_AUDIT,
    A.READ_EVENTS,
    A.READ_SEGMENT_MEMBERS,
    A.READ_SEGMENT_STATS,
    A.EXPORT_SEGMENT_MEMBERS,
    A.UPSERT_SEGMENT,
    A.UPSERT_PRODUCT,
    A.REGISTER_CLIENT,
    A.UPDATE_CLIENT,
    A.SUBMIT_RISK_ASSESSMENT,
    A.IMPORT_DATED_ASSESSMENT,
    A.RECORD_ASSET_SNAPSHOTS,
    A.RECORD_TRADES,
    A.REFRESH_PORTRAIT,
    A.APPLY_FOR_FACILITY,
    A.SIGN_FACILITY,
    A.RECORD_FACILITY_VALUATIONS,
    A.PROCESS_MATURITIES,
    A.SCHEDULE_REVIEWS,
    A.RECORD_SATISFACTION,
    A.SNAPSHOT_SEGMENTS,
    A.PREVIEW_SEGMENT_CHANGE,
  ],
};

const GRANTS: ReadonlyMap<Role, ReadonlySet<Ability>> = new Map(
  Object.entries(ROLE_ABILITIES).map(([role, abilities]) => [role as Role, new Set(abilities)]),
);

/** Whether any of the viewer's roles grants the ability. */
export function can(viewer: { roles: readonly Role[] }, ability: Ability): boolean {
  return viewer.roles.some((role) => GRANTS.get(role)?.has(ability) === true);
}
