import type { DataSource } from "typeorm";
import { lockById } from "../../db/locks";
import { inTransaction } from "../../db/transaction";
import { today, type Clock } from "../../domain/clock";
import { UserErrorCode, type SatisfactionChannel } from "../../domain/enums";
import { toGlobalId } from "../../domain/global-id";
import { ClientEntity, SatisfactionResponseEntity } from "../../entities";
import { SATISFACTION_COMMENT_MAX } from "../../entities/satisfaction-response.entity";
import { Refusal, UserError } from "../../errors";
import { assertMayWriteForBranch } from "../access/policy";
import type { Viewer } from "../access/viewer";
import { recordAudit } from "../audit/audit";
import { seal } from "../../crypto/personal-data";

export interface RecordSatisfactionProps {
  clientId: number | null;
  surveyedOn: string;
  score: number;
  channel: SatisfactionChannel;
  comment?: string | null;
}

/** Satisfaction survey answers (SPEC §13): the first half of the seed's fourth step. */
export class SatisfactionService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Records one survey answer. Refuses (INVALID, with the field): a score that is not a whole number
   * from 0 to 10, a survey date after today, a comment longer than 1,000 characters; an unknown
   * client is NOT_FOUND, and a client of another branch FORBIDDEN for a branch-scoped writer. The
   * comment is personal data: the audit entry and the event say only whether there was one.
   */
  async record(viewer: Viewer, props: RecordSatisfactionProps): Promise<SatisfactionResponseEntity> {
    const at = (name: string) => ["input", name];
    const errors: UserError[] = [];
    if (!Number.isInteger(props.score) || props.score < 0 || props.score > 10)
      errors.push(new UserError(UserErrorCode.INVALID, "score must be a whole number from 0 to 10", at("score")));
    if (props.surveyedOn > today(this.clock))
      errors.push(new UserError(UserErrorCode.INVALID, "surveyedOn must not be after today", at("surveyedOn")));
    const comment = props.comment?.trim() ? props.comment : null;
    if (comment !== null && Array.from(comment).length > SATISFACTION_COMMENT_MAX)
      errors.push(
        new UserError(
          UserErrorCode.INVALID,
          `comment must be at most ${SATISFACTION_COMMENT_MAX} characters`,
          at("comment"),
        ),
      );
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const client = await lockById(manager, ClientEntity, props.clientId);
      if (client === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such client", at("clientId"));
      assertMayWriteForBranch(viewer, client.branch);
      if (errors.length > 0) throw new Refusal(errors);
      const response = manager.create(SatisfactionResponseEntity, {
        clientId: client.id,
        surveyedOn: props.surveyedOn,
        score: props.score,
        channel: props.channel,
        // The client's own words: sealed at rest like its name (SPEC §14).
        comment: comment === null ? null : seal(comment),
        recordedBy: viewer.subject,
        createdAt: now,
      });
      await manager.save(response);
      await recordAudit(
        manager,
        viewer,
        "recordSatisfaction",
        { type: "SatisfactionResponse", id: response.id },
        {
          at: now,
          changes: {
            client: toGlobalId("Client", client.id),
            surveyedOn: response.surveyedOn,
            score: response.score,
            channel: response.channel,
            commented: comment !== null,
          },
        },
      );
      return response;
    });
  }
}
