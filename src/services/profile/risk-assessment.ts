import { inTransaction } from "../../db/transaction";
import type { DataSource } from "typeorm";
import { ClientEntity, RiskAssessmentEntity } from "../../entities";
import type { Clock } from "../../domain/clock";
import { validUntilFor } from "../../domain/assessment";
import { UserErrorCode } from "../../domain/enums";
import { toGlobalId } from "../../domain/global-id";
import { Refusal, UserError } from "../../errors";
import { Ability, can } from "../access/abilities";
import { assertMayWriteForBranch } from "../access/policy";
import type { Viewer } from "../access/viewer";
import { recordAudit } from "../audit/audit";
import { RISK_QUESTIONNAIRE, scoreAnswers, type Answer } from "./questionnaire";

export interface SubmitRiskAssessmentProps {
  clientId: number | null;
  questionnaireVersion: string;
  answers: Answer[];
  assessedAt?: Date | null;
}

/** The suitability questionnaire, scored to C1–C5 (SPEC §3). */
export class RiskAssessmentService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly validityDays: number,
  ) {}

  /**
   * Scores a full set of answers and stores the assessment, valid for ASSESSMENT_VALIDITY_DAYS.
   * Refuses: an unknown client (NOT_FOUND); a stale questionnaire version, a partial, duplicated or
   * unknown answer (INVALID); an explicit `assessedAt` from anyone but ADMIN (FORBIDDEN) or in the
   * future (INVALID).
   */
  async submit(viewer: Viewer, props: SubmitRiskAssessmentProps): Promise<RiskAssessmentEntity> {
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const client = props.clientId === null ? null : await manager.findOneBy(ClientEntity, { id: props.clientId });
      if (client === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such client", ["input", "clientId"]);
      assertMayWriteForBranch(viewer, client.branch);

      const errors: UserError[] = [];
      let assessedAt = now;
      if (props.assessedAt !== null && props.assessedAt !== undefined) {
        if (!can(viewer, Ability.IMPORT_DATED_ASSESSMENT)) {
          errors.push(
            new UserError(UserErrorCode.FORBIDDEN, "Only ADMIN may import an assessment with its own date", [
              "input",
              "assessedAt",
            ]),
          );
        } else if (props.assessedAt.getTime() > now.getTime()) {
          errors.push(
            new UserError(UserErrorCode.INVALID, "assessedAt must not be in the future", ["input", "assessedAt"]),
          );
        } else {
          assessedAt = props.assessedAt;
        }
      }
      const result = scoreAnswers(RISK_QUESTIONNAIRE, props.questionnaireVersion, props.answers);
      if (!result.ok) {
        for (const e of result.errors) errors.push(new UserError(UserErrorCode.INVALID, e.message, e.field));
      }
      if (errors.length > 0 || !result.ok) throw new Refusal(errors);

      const assessment = manager.create(RiskAssessmentEntity, {
        clientId: client.id,
        questionnaireVersion: RISK_QUESTIONNAIRE.version,
        answers: props.answers.map((a) => ({ questionId: a.questionId, optionId: a.optionId })),
        score: result.score,
        riskLevel: result.riskLevel,
        lowestCategory: result.lowestCategory,
        horizon: result.horizon,
        assessedAt,
        validUntil: validUntilFor(assessedAt, this.validityDays),
        createdAt: now,
      });
      await manager.save(assessment);
      await recordAudit(
        manager,
        viewer,
        "submitRiskAssessment",
        { type: "RiskAssessment", id: assessment.id },
        {
          at: now,
          changes: {
            client: toGlobalId("Client", client.id),
            score: assessment.score,
            riskLevel: assessment.riskLevel,
            lowestCategory: assessment.lowestCategory,
            horizon: assessment.horizon,
            assessedAt,
          },
        },
      );
      return assessment;
    });
  }
}
