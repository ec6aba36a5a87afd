import Decimal from "decimal.js";
import { getNamedType, isInputObjectType, isNonNullType, type GraphQLSchema } from "graphql";
import { RATIO_MAX } from "../../src/domain/decimal";
import { maintenanceRatio } from "../../src/services/lifecycle/monitoring";
import { sameSubject } from "../../src/services/access/viewer";
import { buildApiSchema } from "../../src/schema/build";
import { dateProblem, inputProblems, moneyProblem, ratioProblem } from "../../src/schema/input-rules";

/** SPEC §10 "Input ranges" as pure rules, and the schema's promise that every root field goes through them. */

describe("the input range rules (SPEC §10)", () => {
  it.each([
    ["0.01", null],
    ["0", null],
    ["999999999999999.99", null],
    ["-999999999999999.99", null],
    ["0.001", "must have at most 2 decimals"],
    ["0.0001", "must have at most 2 decimals"],
    ["1000000000000000", "must be below 10^15"],
    ["999999999999999999.9999", "must have at most 2 decimals"],
    ["999999999999999999", "must be below 10^15"],
  ])("money %s → %s (at most 2 decimals, below 10^15)", (value, problem) => {
    expect(moneyProblem(new Decimal(value))).toBe(problem);
  });

  it.each([
    ["1.2345", null],
    ["999999.9999", null],
    ["1.23456", "must have at most 4 decimals"],
    ["1000000", "must be at most 999999.9999"],
  ])("ratio %s → %s (at most 4 decimals, at most 999,999.9999)", (value, problem) => {
    expect(ratioProblem(new Decimal(value))).toBe(problem);
  });

  it.each([
    ["1990-01-01", false, null],
    ["2100-12-31", false, null],
    ["1989-12-31", false, "must be between 1990-01-01 and 2100-12-31"],
    ["0001-01-01", false, "must be between 1990-01-01 and 2100-12-31"],
    ["9999-12-31", false, "must be between 1990-01-01 and 2100-12-31"],
    ["2026-11-28", false, null],
    ["2026-11-27", true, null],
    ["2026-11-28", true, "must not be after today"],
  ])("date %s (a fact: %s) with today 2026-11-27 → %s", (date, fact, problem) => {
    expect(dateProblem(date, "2026-11-27", fact)).toBe(problem);
  });

  it("a computed maintenance ratio above 999,999.9999 is that cap; below it, 4 dp rounded down", () => {
    expect(maintenanceRatio(new Decimal(1), new Decimal(1_000_000))).toEqual(RATIO_MAX);
    expect(maintenanceRatio(new Decimal("0.01"), new Decimal("999999999999999.99"))).toEqual(RATIO_MAX);
    expect(maintenanceRatio(new Decimal(3), new Decimal(4))!.toFixed(4)).toBe("1.3333");
    expect(maintenanceRatio(new Decimal(0), new Decimal(4))).toBeNull();
  });

  it("subjects compare case-insensitively after trimming (four eyes are two people)", () => {
    expect(sameSubject("RT-RO-ALICE", "rt-ro-alice")).toBe(true);
    expect(sameSubject(" ro-li ", "RO-LI")).toBe(true);
    expect(sameSubject("ro-li", "ro-wang")).toBe(false);
  });
});

describe("the schema's input rules (SPEC §10)", () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = await buildApiSchema();
  });

  it("every Decimal input field says whether it is money or a ratio", () => {
    const decimals: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isInputObjectType(type)) continue;
      for (const f of Object.values(type.getFields())) {
        if (getNamedType(f.type).name !== "Decimal") continue;
        decimals.push(`${type.name}.${f.name}`);
        expect([type.name, f.name, f.extensions.inputRule]).toEqual([
          type.name,
          f.name,
          expect.stringMatching(/^(money|ratio)$/),
        ]);
      }
    }
    expect(decimals.length).toBeGreaterThanOrEqual(20);
  });

  it("the facts of SPEC §10 (openedAt, tradingSince, snapshots, trades, valuations, assessedAt, jobs' asOf) may not be after today", () => {
    const facts = Object.values(schema.getTypeMap())
      .filter(isInputObjectType)
      .flatMap((t) =>
        Object.values(t.getFields())
          .filter((f) => f.extensions.inputRule === "fact")
          .map((f) => `${t.name}.${f.name}`),
      )
      .sort();
    expect(facts).toEqual(
      [
        "AssetSnapshotInput.date",
        "FacilityValuationInput.asOf",
        "ProcessMaturitiesInput.asOf",
        "RecordSatisfactionInput.surveyedOn",
        "RefreshPortraitInput.asOf",
        "RegisterClientInput.openedAt",
        "RegisterClientInput.tradingSince",
        "ScheduleReviewsInput.asOf",
        "SnapshotSegmentsInput.asOf",
        "SubmitRiskAssessmentInput.assessedAt",
        "TradeInput.tradeDate",
        "UpdateClientInput.tradingSince",
      ].sort(),
    );
  });

  it("finds every breach of a nested batch with its path, and nothing in a valid one", () => {
    const field = schema.getMutationType()!.getFields().recordAssetSnapshots;
    const snapshot = (o: Record<string, unknown>) => ({
      date: "2026-11-20",
      totalAssets: new Decimal("100.00"),
      securitiesAssets: new Decimal("50"),
      liabilities: "0",
      ...o,
    });
    const ok = { clientId: "x", snapshots: [snapshot({}), snapshot({ date: "2026-11-27" })] };
    expect(inputProblems(field.args, { input: ok }, "2026-11-27")).toEqual([]);
    const bad = {
      clientId: "x",
      snapshots: [snapshot({}), snapshot({ date: "2026-11-30", totalAssets: new Decimal("1.005") })],
    };
    expect(inputProblems(field.args, { input: bad }, "2026-11-27").map((p) => [p.code, p.field, p.message])).toEqual([
      ["INVALID", ["input", "snapshots", "1", "date"], "date must not be after today"],
      ["INVALID", ["input", "snapshots", "1", "totalAssets"], "totalAssets must have at most 2 decimals"],
    ]);
  });

  it("every mutation takes one non-null `input`, where the field paths of refusals start (SPEC §2)", () => {
    for (const f of Object.values(schema.getMutationType()!.getFields())) {
      expect([f.name, f.args.map((a) => a.name), isNonNullType(f.args[0]?.type)]).toEqual([f.name, ["input"], true]);
    }
  });
});
