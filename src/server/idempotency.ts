import { createHash } from "node:crypto";
import { getOperationAST, parse } from "graphql";
import type { DataSource, EntityManager } from "typeorm";
import { inRequestTransaction } from "../db/transaction";
import { isUniqueViolation, sqlInstant } from "../db/sql";
import type { Clock } from "../domain/clock";
import { IdempotencyKeyEntity } from "../entities";

/** SPEC §10: 1–64 characters of [A-Za-z0-9_-]. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,64}$/;
/** How long a stored answer is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** A whole HTTP answer, as sent and as stored. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Why a keyed request was answered without running (the codes of SPEC §10). */
export type KeyRefusal = "IDEMPOTENCY_KEY_INVALID" | "IDEMPOTENCY_KEY_REUSED" | "IDEMPOTENCY_KEY_IN_USE";

const REFUSAL_STATUS: Record<KeyRefusal, number> = {
  IDEMPOTENCY_KEY_INVALID: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
};
const REFUSAL_MESSAGE: Record<KeyRefusal, string> = {
  IDEMPOTENCY_KEY_INVALID: "Idempotency-Key must be 1 to 64 letters, digits, - or _",
  IDEMPOTENCY_KEY_REUSED: "This Idempotency-Key was used with another request body",
  IDEMPOTENCY_KEY_IN_USE: "A request with this Idempotency-Key is still running",
};

export function keyRefusal(code: KeyRefusal): Answer {
  return {
    status: REFUSAL_STATUS[code],
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ errors: [{ message: REFUSAL_MESSAGE[code], extensions: { code } }] }),
  };
}

/** Whether a GraphQL request body names a mutation (only mutations take a key; a query is safe to rerun). */
export function isMutationRequest(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== "string") return false;
  try {
    const op = getOperationAST(parse(query), typeof operationName === "string" ? operationName : undefined);
    return op?.operation === "mutation";
  } catch {
    return false;
  }
}

class KeyTaken extends Error {}
class NotStored extends Error {
  constructor(readonly answer: Answer) {
    super("answer not stored");
  }
}

/**
 * Retries are safe (SPEC §10). A keyed mutation runs in one request transaction whose last write is
 * its answer, so the change and the answer commit together or not at all: the same key and body later
 * replay the answer without running anything, another body is 422, and while the first still runs a
 * second is 409. Only 200 answers are stored (a 4xx/5xx changed nothing and may be retried as is).
 */
export class Idempotency {
  private readonly running = new Set<string>();

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    /** Fault injection for the crash test only (never in production): die between commit and answer. */
    private readonly faults: { exitAfterCommit: boolean } = { exitAfterCommit: false },
  ) {}

  async handle(subject: string, key: string, rawBody: string, execute: () => Promise<Answer>): Promise<Answer> {
    if (!IDEMPOTENCY_KEY.test(key)) return keyRefusal("IDEMPOTENCY_KEY_INVALID");
    const hash = createHash("sha256").update(rawBody).digest("hex");
    const slot = `${subject}\u0000${key}`;
    if (this.running.has(slot)) return keyRefusal("IDEMPOTENCY_KEY_IN_USE");
    this.running.add(slot);
    try {
      const stored = await this.lookup(subject, key, hash);
      if (stored) return stored;
      try {
        const answer = await inRequestTransaction(this.ds, execute, (manager, a) =>
          this.store(manager, subject, key, hash, a),
        );
        if (this.faults.exitAfterCommit) process.kill(process.pid, "SIGKILL");
        return answer;
      } catch (err) {
        if (err instanceof NotStored) return err.answer;
        // Another instance committed this key meanwhile: this run was rolled back; answer as a retry.
        if (err instanceof KeyTaken)
          return (await this.lookup(subject, key, hash)) ?? keyRefusal("IDEMPOTENCY_KEY_IN_USE");
        throw err;
      }
    } finally {
      this.running.delete(slot);
    }
  }

  private async lookup(subject: string, key: string, hash: string): Promise<Answer | null> {
    const rows = (await this.ds.query(
      "SELECT `requestHash`, `httpStatus`, `response` FROM `idempotency_key` WHERE `subject` = ? AND `key` = ? AND `expiresAt` > ?",
      [subject, key, sqlInstant(this.clock.now())],
    )) as { requestHash: string; httpStatus: unknown; response: unknown }[];
    if (rows.length === 0) return null;
    if (rows[0].requestHash !== hash) return keyRefusal("IDEMPOTENCY_KEY_REUSED");
    const stored = (typeof rows[0].response === "string" ? JSON.parse(rows[0].response) : rows[0].response) as {
      body: string;
    };
    const body = stored.body;
    return {
      status: Number(rows[0].httpStatus),
      headers: { "content-type": "application/json; charset=utf-8", "idempotent-replayed": "true" },
      body,
    };
  }

  private async store(manager: EntityManager, subject: string, key: string, hash: string, answer: Answer) {
    if (answer.status !== 200) throw new NotStored(answer);
    const now = this.clock.now();
    await manager.query("DELETE FROM `idempotency_key` WHERE `subject` = ? AND `key` = ? AND `expiresAt` <= ?", [
      subject,
      key,
      sqlInstant(now),
    ]);
    try {
      await manager.insert(IdempotencyKeyEntity, {
        subject,
        key,
        requestHash: hash,
        httpStatus: answer.status,
        // Kept as sent, byte for byte (a JSON string inside the JSON column).
        response: { body: answer.body },
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new KeyTaken();
      throw err;
    }
  }
}
