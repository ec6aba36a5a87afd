import { prng } from "../../src/domain/prng";

/**
 * Generated client-page queries for the read planner's equality test: random subsets of a client's
 * fields and nested fields, with aliases, named and inline fragments, `nodes` and `edges`, under
 * `clients` or `Segment.members`. `plannable` says whether the planner knows every field asked under
 * a node; the others ask a field it leaves to the resolvers (or carry a directive).
 */
export interface GeneratedQuery {
  query: string;
  variables: Record<string, unknown>;
  plannable: boolean;
  /** The same selection of one client (`client(...)`): its fields, its fragment, its variables' declarations. */
  client: { selection: string; fragment: string; declared: string[] };
}

const CLIENT_SCALARS = [
  "id",
  "clientNo",
  "type",
  "status",
  "investorCategory",
  "name",
  "idNumber",
  "phone",
  "branch",
  "tradingSince",
  "openedAt",
  "createdAt",
  "annualIncome",
  "financialAssets",
  "__typename",
];

const PORTRAIT_FIELDS = [
  "id",
  "asOf",
  "computedAt",
  "riskLevel",
  "horizon",
  "avgDailyAssets20d",
  "assetDays",
  "totalAssets",
  "financialAssets",
  "annualIncome",
  "experienceMonths",
  "annualTurnover",
  "marginCallsLast12m",
  "defaultsCount",
  "creditScore",
  "creditRating",
  "creditFactors { name value points }",
  "professionalEligible",
];

const REASON = "{ code passed message required actual }";
const SEGMENT_FIELDS = [
  "id",
  "code",
  "name",
  "description",
  "priority",
  "active",
  "criteria { minAvgDailyAssets maxAvgDailyAssets clientTypes riskLevels horizons minExperienceMonths minCreditRating }",
  "strategy { approvalTier reviewIntervalDays advisoryService }",
];
const PRODUCT_FIELDS = [
  "id",
  "code",
  "name",
  "kind",
  "riskLevel",
  "minLimit",
  "maxLimit",
  "annualRate",
  "eligibility { minAvgDailyAssets minExperienceMonths minCreditRating clientTypes professionalOnly }",
];
const REVIEW_FIELDS = [
  "id",
  "trigger",
  "status",
  "dueDate",
  "assignee",
  "startedAt",
  "completedAt",
  "recommendation",
  "outcome",
  "newLimit",
  "notes",
  "version",
  "snapshot { maintenanceRatio usedAmount approvedLimit creditRating riskLevel assessmentExpired daysToMaturity recommendedLimit }",
];
const FACILITY_FIELDS = [
  "id",
  "status",
  "requestedLimit",
  "approvedLimit",
  "usedAmount",
  "collateralValue",
  "maintenanceRatio",
  "annualRate",
  "startDate",
  "maturityDate",
  "extensionsUsed",
  "disclosureVersion",
  "disclosureAcknowledgedAt",
  "decisionReasons { code passed message required actual }",
  "approvedBy",
  "createdAt",
  "version",
];
const ALERT_FIELDS = ["id", "kind", "severity", "message", "raisedAt", "deadline", "resolvedAt", "resolvedBy"];
const ASSESSMENT_FIELDS = [
  "id",
  "score",
  "riskLevel",
  "lowestCategory",
  "horizon",
  "assessedAt",
  "validUntil",
  "expired",
];

/** Fields under a node the planner leaves to the resolvers. */
const UNPLANNED = [
  "u: facilities { status product { code } }",
  "u: alerts(first: 2) { nodes { kind facility { status } } }",
  "u: portrait { asOf client { clientNo } }",
  "u: reviews(first: 2) { nodes { id facility { status } } }",
  "u: productFits(first: 2) { product { code segments { code } } }",
  "u: portraits(first: 1) { nodes { asOf } }",
  "u: clientNo @include(if: true)",
  "u: reviews(first: 0) { totalCount }",
];

export function generatedQueries(count: number, seed: number): GeneratedQuery[] {
  const rnd = prng(seed);
  const out: GeneratedQuery[] = [];
  for (let i = 0; i < count; i += 1) out.push(generate(rnd, i));
  return out;
}

function generate(rnd: () => number, n: number): GeneratedQuery {
  const chance = (p: number) => rnd() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const some = (pool: readonly string[], min = 1) => {
    const picked = pool.filter(() => chance(0.4));
    return picked.length >= min ? picked : [pool[int(0, pool.length - 1)]];
  };
  let alias = 0;
  const aliased = (field: string) => (chance(0.25) ? `a${(alias += 1)}: ${field}` : field);
  const variables: Record<string, unknown> = {};

  const nested: string[] = [];
  if (chance(0.5)) nested.push(`portrait { ${some(PORTRAIT_FIELDS).map(aliased).join(" ")} }`);
  if (chance(0.5)) {
    nested.push(
      `segment { matched score ${chance(0.5) ? `reasons ${REASON}` : ""} segment { ${some(SEGMENT_FIELDS).join(" ")} } }`,
    );
  }
  if (chance(0.2)) nested.push(`segmentFits { matched score segment { code } }`);
  if (chance(0.5)) {
    const first = int(1, 6);
    const useVariable = chance(0.4);
    if (useVariable) variables.fits = first;
    const args = `first: ${useVariable ? "$fits" : first}${chance(0.3) ? ", eligibleOnly: true" : ""}`;
    const fields = `eligible score recommendedLimit product { ${some(PRODUCT_FIELDS).join(" ")} } blockers { code } ${chance(0.3) ? `reasons ${REASON}` : ""}`;
    nested.push(`productFits(${args}) { ${fields} }`);
    if (chance(0.3)) nested.push(`more${n}: productFits(first: ${int(1, 3)}) { score product { code } }`);
  }
  if (chance(0.5)) {
    const status = chance(0.3) ? ", status: SCHEDULED" : "";
    const parts = [
      chance(0.5) ? "totalCount" : "",
      chance(0.5) ? "pageInfo { hasNextPage hasPreviousPage endCursor }" : "",
      `nodes { ${some(REVIEW_FIELDS).join(" ")} }`,
      chance(0.3) ? "edges { cursor node { id status } }" : "",
    ];
    nested.push(aliased(`reviews(first: ${int(1, 4)}${status}) { ${parts.join(" ")} }`));
  }
  if (chance(0.3)) nested.push(`riskAssessment { ${some(ASSESSMENT_FIELDS).join(" ")} }`);
  if (chance(0.25)) nested.push(aliased(`facilities { ${some(FACILITY_FIELDS).join(" ")} }`));
  if (chance(0.25)) {
    const open = chance(0.5) ? "" : `, openOnly: ${chance(0.5)}`;
    const parts = `${chance(0.4) ? "totalCount" : ""} nodes { ${some(ALERT_FIELDS).join(" ")} } pageInfo { hasNextPage }`;
    nested.push(aliased(`alerts(first: ${int(1, 3)}${open}) { ${parts} }`));
  }
  const plannable = !chance(0.2);
  if (!plannable) nested.push(UNPLANNED[int(0, UNPLANNED.length - 1)]);

  const fields = [...some(CLIENT_SCALARS).map(aliased), ...nested].sort(() => rnd() - 0.5);
  // Part of the selection in a named fragment, part in an inline one, the rest as it is.
  const named = fields.filter(() => chance(0.3));
  const inline = fields.filter((f) => !named.includes(f) && chance(0.2));
  const plain = fields.filter((f) => !named.includes(f) && !inline.includes(f));
  const selection = [
    ...plain,
    named.length > 0 ? "...PageClient" : "",
    inline.length > 0 ? `... on Client { ${inline.join(" ")} }` : "",
    chance(0.2) ? "... on Node { id }" : "",
  ].join(" ");
  const fragment = named.length > 0 ? `fragment PageClient on Client { ${named.join(" ")} }` : "";

  const container = [
    chance(0.7) ? `nodes { ${selection} }` : "",
    chance(0.4) ? `edges { cursor node { ${selection} } }` : "",
    chance(0.5) ? "pageInfo { hasNextPage endCursor }" : "",
    chance(0.3) ? "totalCount" : "",
  ].filter((p) => p !== "");
  if (!container.some((p) => p.startsWith("nodes") || p.startsWith("edges"))) container.push(`nodes { ${selection} }`);

  const first = int(1, 60);
  const root = chance(0.2)
    ? `segment(code: "B") { code members(first: ${first}) { ${container.join(" ")} } }`
    : `clients(first: ${first}${listArgs(rnd)}) { ${container.join(" ")} }`;
  const declared = "fits" in variables ? "($fits: Int!)" : "";
  return {
    query: `query Generated${n}${declared} { ${root} } ${fragment}`,
    variables,
    plannable,
    client: { selection, fragment, declared: "fits" in variables ? ["$fits: Int!"] : [] },
  };
}

function listArgs(rnd: () => number): string {
  const r = rnd();
  if (r < 0.15) return ", orderBy: { field: AVG_DAILY_ASSETS, direction: DESC }";
  if (r < 0.25) return ", orderBy: { field: CREDIT_SCORE }";
  if (r < 0.35) return ", filter: { statuses: [ACTIVE] }";
  if (r < 0.45) return ', filter: { branch: "SH-PUDONG" }';
  return "";
}
