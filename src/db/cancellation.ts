import { AsyncLocalStorage } from "node:async_hooks";
import type { EntityManager } from "typeorm";
import { DomainError } from "../errors";

/** Why a request's work was cancelled (SPEC §10 deadline). */
export type CancelReason = "timeout" | "client-gone";

/** The work of a cancelled request stops: its transaction rolls back, its SQL is killed. */
export class RequestCancelledError extends DomainError {
  readonly extensionCode = "TIMEOUT";
  constructor(readonly reason: CancelReason) {
    super(
      reason === "timeout"
        ? "The request ran past REQUEST_TIMEOUT_MS and was cancelled; nothing was written"
        : "The client went away; the request was cancelled and nothing was written",
    );
    this.name = "RequestCancelledError";
  }
}

/**
 * One request's cancellation (SPEC §10 deadline): when it fires, every statement of the request's
 * open transactions is killed (MySQL `KILL QUERY` on a connection of its own) and no transaction of
 * the request commits afterwards — each checks it right before COMMIT and rolls back instead.
 */
export class Cancellation {
  private reasonGiven: CancelReason | null = null;
  private readonly killers = new Set<() => Promise<void>>();
  private readonly listeners: ((reason: CancelReason) => void)[] = [];

  get reason(): CancelReason | null {
    return this.reasonGiven;
  }

  cancel(reason: CancelReason): void {
    if (this.reasonGiven !== null) return;
    this.reasonGiven = reason;
    for (const kill of this.killers) void kill().catch(() => undefined);
    for (const listener of this.listeners) listener(reason);
  }

  /** Resolves when cancelled. */
  whenCancelled(): Promise<CancelReason> {
    return new Promise((resolve) => {
      if (this.reasonGiven !== null) resolve(this.reasonGiven);
      else this.listeners.push(resolve);
    });
  }

  throwIfCancelled(): void {
    if (this.reasonGiven !== null) throw new RequestCancelledError(this.reasonGiven);
  }

  /** Registers how to stop a running transaction's SQL; returns the unregister. */
  onKill(kill: () => Promise<void>): () => void {
    this.killers.add(kill);
    return () => this.killers.delete(kill);
  }
}

const current = new AsyncLocalStorage<Cancellation>();

export function withCancellation<T>(cancellation: Cancellation, fn: () => Promise<T>): Promise<T> {
  return current.run(cancellation, fn);
}

export function currentCancellation(): Cancellation | undefined {
  return current.getStore();
}

/**
 * Runs a transaction body under the current request's cancellation: refuses to start when it already
 * fired, kills the transaction's statement when it fires (MySQL), and refuses to let it commit after.
 */
export async function cancellable<T>(manager: EntityManager, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  const c = currentCancellation();
  if (c === undefined) return fn(manager);
  c.throwIfCancelled();
  const threadId = (manager.queryRunner as unknown as { databaseConnection?: { threadId?: unknown } } | undefined)
    ?.databaseConnection?.threadId;
  const unregister =
    typeof threadId === "number"
      ? c.onKill(async () => {
          await manager.connection.query(`KILL QUERY ${threadId}`);
        })
      : () => undefined;
  try {
    const result = await fn(manager);
    c.throwIfCancelled();
    return result;
  } catch (err) {
    // A statement killed by the deadline fails with its own error: report the cancellation instead.
    if (c.reason !== null) throw new RequestCancelledError(c.reason);
    throw err;
  } finally {
    unregister();
  }
}
