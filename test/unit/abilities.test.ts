import { getMetadataStorage } from "type-graphql";
import { Role } from "../../src/domain/enums";
import { buildApiSchema } from "../../src/schema/build";
import { authChecker, type Context } from "../../src/schema/context";
import { Ability, can, ROLE_ABILITIES } from "../../src/services/access/abilities";
import { assertMayWriteForBranch, branchScope, mayReadAudit } from "../../src/services/access/policy";

const { VIEWER, ANALYST, RELATIONSHIP_MANAGER: RM, RISK_OFFICER: RO, COMPLIANCE, ADMIN } = Role;
const BI = [ANALYST, RO, COMPLIANCE, ADMIN];

/**
 * Who may run each role-gated operation, written out by hand from the `@Authorized(Role…)` decorators
 * as they stood before roles moved into ROLE_ABILITIES; the table must keep giving exactly this.
 */
const OPERATIONS: Record<string, readonly Role[]> = {
  "Mutation.registerClient": [RM, ADMIN],
  "Mutation.updateClient": [RM, ADMIN],
  "Mutation.submitRiskAssessment": [RM, ADMIN],
  "Mutation.recordAssetSnapshots": [RO, ADMIN],
  "Mutation.recordTrades": [RO, ADMIN],
  "Mutation.refreshPortrait": [RO, ADMIN],
  "Mutation.applyForFacility": [RM, ADMIN],
  "Mutation.approveFacility": [RO],
  "Mutation.signFacility": [RM, ADMIN],
  "Mutation.recordFacilityValuations": [RO, ADMIN],
  "Mutation.extendFacility": [RM, RO],
  "Mutation.closeFacility": [RM, RO],
  "Mutation.processMaturities": [RO, ADMIN],
  "Mutation.scheduleReviews": [RO, ADMIN],
  "Mutation.createReview": [RO],
  "Mutation.startReview": [RO],
  "Mutation.completeReview": [RO],
  "Mutation.cancelReview": [RO],
  "Mutation.resolveAlert": [RO],
  "Mutation.upsertSegment": [ADMIN],
  "Mutation.upsertProduct": [ADMIN],
  "Query.auditLog": [COMPLIANCE, ADMIN],
  "Query.events": [RO, COMPLIANCE, ADMIN],
  "Query.personalDataAccess": [COMPLIANCE, ADMIN],
  "Segment.members": BI,
  "Segment.stats": BI,
  // SPEC §13: the tracking reads go as Segment.stats; previewSegmentChange also needs ANALYST, RISK_OFFICER or ADMIN.
  "Mutation.recordSatisfaction": [RM, ADMIN],
  "Mutation.snapshotSegments": [RO, ADMIN],
  "Query.segmentMigration": BI,
  "Query.segmentPerformance": BI,
  "Query.creditModelPerformance": BI,
  "Query.previewSegmentChange": [ANALYST, RO, ADMIN],
  "Segment.history": BI,
  "Segment.performance": BI,
};

/** The same, for what is checked in code rather than by a decorator. */
const CHECKS: Record<string, [(roles: Role[]) => boolean, readonly Role[]]> = {
  "GET /export/segments/:code/members": [(roles) => can(viewerOf(roles), Ability.EXPORT_SEGMENT_MEMBERS), BI],
  "node(AuditEntry)": [(roles) => mayReadAudit(viewerOf(roles)), [COMPLIANCE, ADMIN]],
  "submitRiskAssessment with assessedAt": [(roles) => can(viewerOf(roles), Ability.IMPORT_DATED_ASSESSMENT), [ADMIN]],
  "a write about a client of another branch": [
    (roles) => {
      try {
        assertMayWriteForBranch(viewerOf(roles, "SH-PUDONG"), "BJ-XICHENG");
        return true;
      } catch {
        return false;
      }
    },
    [VIEWER, ANALYST, RO, COMPLIANCE, ADMIN],
  ],
  "reading every branch": [
    (roles) => branchScope(viewerOf(roles, "SH-PUDONG")).all,
    [VIEWER, ANALYST, RO, COMPLIANCE, ADMIN],
  ],
};

const ALL_ROLES = Object.values(Role);
const viewerOf = (roles: Role[], branch: string | null = null) => ({ subject: "t", roles, branch });

/** Every field type-graphql guards, with the list its `@Authorized` gave. */
function guardedFields(): Map<string, unknown[]> {
  const storage = getMetadataStorage();
  const guarded = new Map<string, unknown[]>();
  for (const m of storage.queries) if (m.roles) guarded.set(`Query.${m.schemaName}`, m.roles);
  for (const m of storage.mutations) if (m.roles) guarded.set(`Mutation.${m.schemaName}`, m.roles);
  for (const m of storage.fieldResolvers) {
    if (!m.roles || m.kind !== "external" || !m.getObjectType) continue;
    const type = storage.objectTypes.find((t) => t.target === m.getObjectType!());
    guarded.set(`${type?.name}.${m.schemaName}`, m.roles);
  }
  return guarded;
}

describe("role → operation permissions are those of the decorators before abilities", () => {
  let guarded: Map<string, unknown[]>;
  beforeAll(async () => {
    await buildApiSchema();
    guarded = guardedFields();
  });

  it("guards exactly the operations of the table", () => {
    expect([...guarded.keys()].sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it.each(Object.entries(OPERATIONS))("%s is for %j", async (operation, allowed) => {
    const list = guarded.get(operation)!;
    for (const role of ALL_ROLES) {
      const context = { viewer: viewerOf([role], "SH-PUDONG") } as unknown as Context;
      const check = authChecker as (data: { context: Context }, abilities: unknown[]) => boolean;
      const passes = check({ context }, list);
      expect({ role, passes }).toEqual({ role, passes: allowed.includes(role) });
    }
  });
});

describe("role → checks in code are those of the role lists before abilities", () => {
  it.each(Object.entries(CHECKS))("%s", (_check, [passes, allowed]) => {
    for (const role of ALL_ROLES)
      expect({ role, passes: passes([role]) }).toEqual({ role, passes: allowed.includes(role) });
  });

  it("narrows a relationship manager to its branch unless another role reads the whole book", () => {
    expect(branchScope(viewerOf([RM, VIEWER], "SH-PUDONG"))).toEqual({ all: false, branch: "SH-PUDONG" });
    expect(branchScope(viewerOf([RM], null))).toEqual({ all: false, branch: null });
    for (const wide of [ANALYST, RO, COMPLIANCE, ADMIN])
      expect(branchScope(viewerOf([RM, wide], "SH-PUDONG")).all).toBe(true);
  });

  it("gives every role a branch-scope decision", () => {
    const scopes = [Ability.SCOPE_EVERY_BRANCH, Ability.SCOPE_OWN_BRANCH, Ability.SCOPE_EVERY_BRANCH_UNLESS_NARROWED];
    for (const role of ALL_ROLES)
      expect({ role, scoped: ROLE_ABILITIES[role].some((a) => scopes.includes(a)) }).toEqual({ role, scoped: true });
  });

  it("lets a viewer with no known role see no client", () => {
    expect(branchScope(viewerOf([]))).toEqual({ all: false, branch: null });
  });
});
