import { InvestmentHorizon, RiskLevel } from "../../src/domain/enums";
import {
  Answer,
  Questionnaire,
  RISK_QUESTIONNAIRE,
  riskLevelForScore,
  scoreAnswers,
} from "../../src/services/profile/questionnaire";

const Q = RISK_QUESTIONNAIRE;

function pointsOf(questionIndex: number): number[] {
  return Q.questions[questionIndex].options.map((o) => o.points);
}

/** One answer a question, picking by the option's points: "max", "min" or an explicit option id. */
function answersPicking(pick: (questionId: string) => "max" | "min" | string): Answer[] {
  return Q.questions.map((question) => {
    const choice = pick(question.id);
    const sorted = [...question.options].sort((a, b) => a.points - b.points);
    if (choice === "max") return { questionId: question.id, optionId: sorted[sorted.length - 1].id };
    if (choice === "min") return { questionId: question.id, optionId: sorted[0].id };
    return { questionId: question.id, optionId: choice };
  });
}

const lowestCategoryOptionId = Q.questions.flatMap((q) => q.options).find((o) => o.lowestCategory)!.id;
const horizonQuestion = Q.questions.find((q) => q.options.some((o) => o.horizon !== null))!;

describe("risk questionnaire invariants (SPEC §3)", () => {
  it("is version 2026-01 with at least 8 questions (SPEC §3)", () => {
    expect(Q.version).toBe("2026-01");
    expect(Q.questions.length).toBeGreaterThanOrEqual(8);
  });

  it("has unique question ids q1..qN and option ids prefixed by their question (SPEC §3)", () => {
    expect(Q.questions.map((q) => q.id)).toEqual(Q.questions.map((_, i) => `q${i + 1}`));
    const optionIds = Q.questions.flatMap((q) => q.options.map((o) => o.id));
    expect(new Set(optionIds).size).toBe(optionIds.length);
    for (const question of Q.questions) {
      expect(question.options.length).toBeGreaterThanOrEqual(2);
      for (const option of question.options) expect(option.id).toMatch(new RegExp(`^${question.id}[a-z]$`));
    }
  });

  it("gives every option whole, non-negative points (SPEC §3)", () => {
    for (const option of Q.questions.flatMap((q) => q.options)) {
      expect(Number.isInteger(option.points)).toBe(true);
      expect(option.points).toBeGreaterThanOrEqual(0);
    }
  });

  it.each(Q.questions.map((q, i) => [q.id, i] as const))(
    "the lowest option of %s is worth 0 (SPEC §3)",
    (_id, index) => {
      expect(Math.min(...pointsOf(index))).toBe(0);
    },
  );

  it("the highest options add up to exactly 100 (SPEC §3)", () => {
    const total = Q.questions.reduce((sum, _q, i) => sum + Math.max(...pointsOf(i)), 0);
    expect(total).toBe(100);
  });

  it("exactly one option marks the lowest category, and it is worth 0 (SPEC §3)", () => {
    const marked = Q.questions.flatMap((q) => q.options).filter((o) => o.lowestCategory);
    expect(marked).toHaveLength(1);
    expect(marked[0].points).toBe(0);
    expect(marked[0].text).toBe("不能承受任何损失");
  });

  it("exactly one question sets the horizon, every option of it covering SHORT, MEDIUM and LONG (SPEC §3)", () => {
    const withHorizon = Q.questions.filter((q) => q.options.some((o) => o.horizon !== null));
    expect(withHorizon).toHaveLength(1);
    const horizons = withHorizon[0].options.map((o) => o.horizon);
    expect(horizons).not.toContain(null);
    expect(new Set(horizons)).toEqual(
      new Set([InvestmentHorizon.SHORT, InvestmentHorizon.MEDIUM, InvestmentHorizon.LONG]),
    );
  });
});

describe("riskLevelForScore bands (SPEC §3)", () => {
  it.each([
    [0, RiskLevel.C1],
    [19, RiskLevel.C1],
    [20, RiskLevel.C2],
    [39, RiskLevel.C2],
    [40, RiskLevel.C3],
    [59, RiskLevel.C3],
    [60, RiskLevel.C4],
    [79, RiskLevel.C4],
    [80, RiskLevel.C5],
    [100, RiskLevel.C5],
  ])("score %i is %s (SPEC §3 bands C1 0–19 … C5 80–100)", (score, level) => {
    expect(riskLevelForScore(score)).toBe(level);
  });

  it.each([-1, 101, 19.5, NaN])("refuses a score of %p outside the whole numbers 0–100", (score) => {
    expect(() => riskLevelForScore(score)).toThrow(RangeError);
  });
});

describe("scoreAnswers (SPEC §3)", () => {
  it("the score is the sum of the chosen options' points: all highest is 100, C5 (SPEC §3)", () => {
    expect(
      scoreAnswers(
        Q,
        Q.version,
        answersPicking(() => "max"),
      ),
    ).toEqual({
      ok: true,
      score: 100,
      riskLevel: RiskLevel.C5,
      lowestCategory: false,
      horizon: InvestmentHorizon.LONG,
    });
  });

  it.each([
    ["q1a", "q2c", "q3b", "q4b", "q5b", "q6c", "q7c", "q8b", "q9b", "q10c"],
    ["q1e", "q2a", "q3a", "q4d", "q5a", "q6a", "q7b", "q8a", "q9a", "q10b"],
    ["q1c", "q2e", "q3d", "q4a", "q5d", "q6d", "q7e", "q8c", "q9c", "q10d"],
  ])("the score is the sum of the chosen options' points: %s… (SPEC §3)", (...optionIds: string[]) => {
    const answers = Q.questions.map((q, i) => ({ questionId: q.id, optionId: optionIds[i] }));
    const expected = optionIds.reduce(
      (sum, id) => sum + Q.questions.flatMap((q) => q.options).find((o) => o.id === id)!.points,
      0,
    );
    const result = scoreAnswers(Q, Q.version, answers);
    expect(result).toMatchObject({ ok: true, score: expected, riskLevel: riskLevelForScore(expected) });
  });

  it("does not depend on the order of the answers", () => {
    const answers = answersPicking(() => "max");
    expect(scoreAnswers(Q, Q.version, [...answers].reverse())).toEqual(scoreAnswers(Q, Q.version, answers));
  });

  it("the lowest-category option makes the level C1 whatever the score (SPEC §3)", () => {
    const answers = answersPicking((id) => (id === "q10" ? lowestCategoryOptionId : "max"));
    const result = scoreAnswers(Q, Q.version, answers);
    expect(result).toMatchObject({ ok: true, riskLevel: RiskLevel.C1, lowestCategory: true });
    expect(result.ok && result.score).toBeGreaterThanOrEqual(80);
  });

  it("all lowest options score 0, C1 (SPEC §3)", () => {
    expect(
      scoreAnswers(
        Q,
        Q.version,
        answersPicking(() => "min"),
      ),
    ).toMatchObject({
      ok: true,
      score: 0,
      riskLevel: RiskLevel.C1,
      horizon: InvestmentHorizon.SHORT,
    });
  });

  it.each(horizonQuestion.options.map((o) => [o.id, o.horizon] as const))(
    "the horizon question sets the horizon: %s gives %s (SPEC §3)",
    (optionId, horizon) => {
      const answers = answersPicking((id) => (id === horizonQuestion.id ? optionId : "max"));
      expect(scoreAnswers(Q, Q.version, answers)).toMatchObject({ ok: true, horizon });
    },
  );

  it("bands a score from a custom questionnaire on both sides of each threshold (SPEC §3)", () => {
    // The real questionnaire cannot land on every boundary, so a two-question one does.
    const custom: Questionnaire = {
      version: "t",
      questions: [
        {
          id: "q1",
          text: "a",
          options: [0, 19, 20, 39, 40, 59, 60, 79, 80].map((points, i) => ({
            id: `q1${String.fromCharCode(97 + i)}`,
            text: String(points),
            points,
            lowestCategory: false,
            horizon: null,
          })),
        },
        {
          id: "q2",
          text: "b",
          options: [
            { id: "q2a", text: "0", points: 0, lowestCategory: false, horizon: InvestmentHorizon.SHORT },
            { id: "q2b", text: "20", points: 20, lowestCategory: false, horizon: InvestmentHorizon.LONG },
          ],
        },
      ],
    };
    const level = (q1: string, q2: string) => {
      const result = scoreAnswers(custom, "t", [
        { questionId: "q1", optionId: q1 },
        { questionId: "q2", optionId: q2 },
      ]);
      return result.ok ? [result.score, result.riskLevel] : result.errors;
    };
    expect(level("q1b", "q2a")).toEqual([19, RiskLevel.C1]);
    expect(level("q1c", "q2a")).toEqual([20, RiskLevel.C2]);
    expect(level("q1d", "q2a")).toEqual([39, RiskLevel.C2]);
    expect(level("q1e", "q2a")).toEqual([40, RiskLevel.C3]);
    expect(level("q1f", "q2a")).toEqual([59, RiskLevel.C3]);
    expect(level("q1g", "q2a")).toEqual([60, RiskLevel.C4]);
    expect(level("q1h", "q2a")).toEqual([79, RiskLevel.C4]);
    expect(level("q1i", "q2a")).toEqual([80, RiskLevel.C5]);
    expect(level("q1i", "q2b")).toEqual([100, RiskLevel.C5]);
  });
});

describe("scoreAnswers refusals: every question exactly once, valid option, current version (SPEC §3)", () => {
  const valid = answersPicking(() => "max");
  const replace = (index: number, answer: Answer) => valid.map((a, i) => (i === index ? answer : a));

  it.each([["2025-01"], [""], ["2026-01 "]])("refuses questionnaire version %p as not current (SPEC §3)", (v) => {
    expect(scoreAnswers(Q, v, valid)).toEqual({
      ok: false,
      errors: [{ field: ["input", "questionnaireVersion"], message: expect.any(String) }],
    });
  });

  it.each([
    [
      "an unknown question",
      replace(3, { questionId: "q99", optionId: "q99a" }),
      [
        { field: ["input", "answers", "3", "questionId"], message: "answers[3] names an unknown question" },
        { field: ["input", "answers"], message: "question q4 is not answered" },
      ],
    ],
    [
      "an option of another question",
      replace(3, { questionId: "q4", optionId: "q5a" }),
      [
        {
          field: ["input", "answers", "3", "optionId"],
          message: "answers[3] names an option that does not belong to its question",
        },
      ],
    ],
    [
      "an option that does not exist",
      replace(0, { questionId: "q1", optionId: "nope" }),
      [
        {
          field: ["input", "answers", "0", "optionId"],
          message: "answers[0] names an option that does not belong to its question",
        },
      ],
    ],
    [
      "a question answered twice",
      [...valid, { questionId: "q2", optionId: "q2a" }],
      [
        {
          field: ["input", "answers", String(valid.length), "questionId"],
          message: `answers[${valid.length}] answers the same question as answers[1]`,
        },
      ],
    ],
    [
      "a question not answered",
      valid.filter((a) => a.questionId !== "q7"),
      [{ field: ["input", "answers"], message: "question q7 is not answered" }],
    ],
  ])("refuses %s as INVALID (SPEC §3)", (_name, answers, errors) => {
    expect(scoreAnswers(Q, Q.version, answers)).toEqual({ ok: false, errors });
  });

  it("refuses an empty answer list, one error per question (SPEC §3)", () => {
    const result = scoreAnswers(Q, Q.version, []);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toHaveLength(Q.questions.length);
  });

  it("never echoes input values in its messages", () => {
    const hostile = "<img src=x onerror=alert(1)>";
    const answers = [
      { questionId: hostile, optionId: hostile },
      { questionId: "q1", optionId: hostile },
      { questionId: "q1", optionId: hostile },
    ];
    const result = scoreAnswers(Q, Q.version, answers);
    expect(result.ok).toBe(false);
    for (const error of result.ok ? [] : result.errors) {
      expect(error.message).not.toContain(hostile);
      expect(error.field.join(".")).not.toContain(hostile);
    }
    const stale = scoreAnswers(Q, hostile, answers);
    expect(JSON.stringify(stale)).not.toContain(hostile);
  });
});
