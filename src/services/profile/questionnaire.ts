import { InvestmentHorizon, RiskLevel } from "../../domain/enums";
import { InvariantError } from "../../errors";

export interface QuestionOption {
  id: string;
  text: string;
  points: number;
  /** Choosing it places the investor in the lowest category: C1 whatever the score. */
  lowestCategory: boolean;
  /** Set on every option of the horizon question, null elsewhere. */
  horizon: InvestmentHorizon | null;
}

export interface Question {
  id: string;
  text: string;
  options: QuestionOption[];
}

export interface Questionnaire {
  version: string;
  questions: Question[];
}

export interface Answer {
  questionId: string;
  optionId: string;
}

export interface FieldError {
  field: string[];
  message: string;
}

export type ScoreResult =
  | { ok: true; score: number; riskLevel: RiskLevel; lowestCategory: boolean; horizon: InvestmentHorizon }
  | { ok: false; errors: FieldError[] };

function option(
  id: string,
  text: string,
  points: number,
  extra: { lowestCategory?: boolean; horizon?: InvestmentHorizon } = {},
): QuestionOption {
  return { id, text, points, lowestCategory: extra.lowestCategory ?? false, horizon: extra.horizon ?? null };
}

/**
 * 融资融券投资者风险承受能力评估问卷, modelled on the SAC template annexed to 《证券经营机构投资者适当性管理
 * 实施指引（试行）》, with a margin-specific knowledge question. Points: the lowest option of every question is
 * worth 0 and the highest options add up to 100 (SPEC §3), so a score reads directly as a percentage.
 */
export const RISK_QUESTIONNAIRE: Questionnaire = {
  version: "2026-01",
  questions: [
    {
      id: "q1",
      text: "您的主要收入来源是：",
      options: [
        option("q1a", "工资、劳务报酬", 6),
        option("q1b", "生产经营所得", 5),
        option("q1c", "利息、股息、转让证券等金融性资产收入", 8),
        option("q1d", "出租、出售房地产等非金融性资产收入", 4),
        option("q1e", "无固定收入", 0),
      ],
    },
    {
      id: "q2",
      text: "您的家庭可支配年收入（折合人民币）为：",
      options: [
        option("q2a", "10万元以下", 0),
        option("q2b", "10万元（含）至50万元", 3),
        option("q2c", "50万元（含）至100万元", 6),
        option("q2d", "100万元（含）至500万元", 8),
        option("q2e", "500万元（含）以上", 10),
      ],
    },
    {
      id: "q3",
      text: "在您每年的家庭可支配收入中，可用于金融投资（储蓄存款除外）的比例为：",
      options: [
        option("q3a", "小于10%", 0),
        option("q3b", "10%至25%", 3),
        option("q3c", "25%至50%", 6),
        option("q3d", "大于50%", 8),
      ],
    },
    {
      id: "q4",
      text: "您是否有尚未清偿的数额较大的债务？如有，其性质是：",
      options: [
        option("q4a", "没有", 8),
        option("q4b", "有，住房抵押贷款等长期定额债务", 5),
        option("q4c", "有，信用卡欠款、消费信贷等短期信用债务", 2),
        option("q4d", "有，亲戚朋友借款", 0),
      ],
    },
    {
      id: "q5",
      text: "您对融资融券交易的了解程度是：",
      options: [
        option("q5a", "不了解", 0),
        option("q5b", "了解融资买入、融券卖出的基本规则", 4),
        option("q5c", "理解维持担保比例、追加担保物和强制平仓等风险", 7),
        option("q5d", "熟悉，曾参与或长期跟踪融资融券交易", 10),
      ],
    },
    {
      id: "q6",
      text: "您的投资经验可描述为：",
      options: [
        option("q6a", "除银行储蓄外，基本没有其他投资经验", 0),
        option("q6b", "购买过债券、保险、银行理财等产品", 3),
        option("q6c", "参与过股票、基金等产品的交易", 7),
        option("q6d", "参与过权证、期货、期权或融资融券等产品的交易", 10),
      ],
    },
    {
      id: "q7",
      text: "您有多少年投资股票、基金、期货、私募证券或金融衍生产品等风险投资品的经验？",
      options: [
        option("q7a", "没有经验", 0),
        option("q7b", "少于2年", 3),
        option("q7c", "2年至5年", 6),
        option("q7d", "5年至10年", 8),
        option("q7e", "10年以上", 10),
      ],
    },
    {
      id: "q8",
      text: "您计划的投资期限是多久？",
      options: [
        option("q8a", "1年以内", 0, { horizon: InvestmentHorizon.SHORT }),
        option("q8b", "1年至3年", 5, { horizon: InvestmentHorizon.MEDIUM }),
        option("q8c", "3年以上", 10, { horizon: InvestmentHorizon.LONG }),
      ],
    },
    {
      id: "q9",
      text: "假设有两种投资：投资A预期获得10%的收益，可能承担的损失非常小；投资B预期获得30%的收益，但可能承担较大亏损。您会怎样支配您的投资？",
      options: [
        option("q9a", "全部投资于收益较小且风险较小的A", 0),
        option("q9b", "同时投资于A和B，但大部分资金投资于收益较小且风险较小的A", 4),
        option("q9c", "同时投资于A和B，但大部分资金投资于收益较大且风险较大的B", 8),
        option("q9d", "全部投资于收益较大且风险较大的B", 12),
      ],
    },
    {
      id: "q10",
      text: "您认为自己能承受的最大投资损失是多少？",
      options: [
        // 《证券期货投资者适当性管理办法》第十九条: an investor who cannot bear any loss is in the lowest category.
        option("q10a", "不能承受任何损失", 0, { lowestCategory: true }),
        option("q10b", "10%以内", 3),
        option("q10c", "10%至30%", 7),
        option("q10d", "30%至50%", 11),
        option("q10e", "超过50%", 14),
      ],
    },
  ],
};

export function riskLevelForScore(score: number): RiskLevel {
  if (!Number.isInteger(score) || score < 0 || score > 100) {
    throw new RangeError("a questionnaire score is a whole number from 0 to 100");
  }
  if (score >= 80) return RiskLevel.C5;
  if (score >= 60) return RiskLevel.C4;
  if (score >= 40) return RiskLevel.C3;
  if (score >= 20) return RiskLevel.C2;
  return RiskLevel.C1;
}

/**
 * Scores a full set of answers against the questionnaire. Refuses a version other than the questionnaire's,
 * an unknown question, an option of another question, a question answered twice and a question left out.
 * Messages name positions in the input, never its values, so nothing the caller sent is echoed back.
 */
export function scoreAnswers(q: Questionnaire, version: string, answers: Answer[]): ScoreResult {
  if (version !== q.version) {
    return {
      ok: false,
      errors: [{ field: ["input", "questionnaireVersion"], message: "is not the current questionnaire version" }],
    };
  }

  const errors: FieldError[] = [];
  const chosen = new Map<string, QuestionOption>();
  const answeredAt = new Map<string, number>();

  answers.forEach((answer, index) => {
    const at = String(index);
    const question = q.questions.find((candidate) => candidate.id === answer.questionId);
    if (!question) {
      errors.push({
        field: ["input", "answers", at, "questionId"],
        message: `answers[${at}] names an unknown question`,
      });
      return;
    }
    const first = answeredAt.get(question.id);
    if (first !== undefined) {
      errors.push({
        field: ["input", "answers", at, "questionId"],
        message: `answers[${at}] answers the same question as answers[${first}]`,
      });
      return;
    }
    answeredAt.set(question.id, index);
    const picked = question.options.find((candidate) => candidate.id === answer.optionId);
    if (!picked) {
      errors.push({
        field: ["input", "answers", at, "optionId"],
        message: `answers[${at}] names an option that does not belong to its question`,
      });
      return;
    }
    chosen.set(question.id, picked);
  });

  for (const question of q.questions) {
    if (!answeredAt.has(question.id)) {
      errors.push({ field: ["input", "answers"], message: `question ${question.id} is not answered` });
    }
  }

  if (errors.length > 0) return { ok: false, errors };

  const picks = [...chosen.values()];
  const horizon = picks.find((picked) => picked.horizon !== null)?.horizon;
  if (!horizon) throw new InvariantError(`questionnaire ${q.version} has no horizon question`);
  const score = picks.reduce((sum, picked) => sum + picked.points, 0);
  const lowestCategory = picks.some((picked) => picked.lowestCategory);
  return {
    ok: true,
    score,
    riskLevel: lowestCategory ? RiskLevel.C1 : riskLevelForScore(score),
    lowestCategory,
    horizon,
  };
}
