import { Counter, type Registry } from "prom-client";
import type { DataSource } from "typeorm";
import { observeTransactions } from "../db/transaction";
import type { Logger } from "../log";

/**
 * Deadlock and lock-timeout retries (SPEC §10) in /metrics and the log: `retried` for each run
 * again, `exhausted` when the last retry failed too and the caller got SERVICE_UNAVAILABLE.
 * Returns the unsubscribe, for shutdown.
 */
export function observeTransactionRetries(registry: Registry, ds: DataSource, logger: Logger): () => void {
  const retries = new Counter({
    name: "db_transaction_retries_total",
    help: "Transactions run again after a deadlock or lock timeout, and those that still failed",
    labelNames: ["reason", "outcome"],
    registers: [registry],
  });
  return observeTransactions(ds, {
    retried(reason, attempt) {
      retries.inc({ reason, outcome: "retried" });
      logger.warn({ reason, attempt }, "transaction retried");
    },
    exhausted(reason) {
      retries.inc({ reason, outcome: "exhausted" });
      logger.error({ reason }, "transaction failed after its retries");
    },
  });
}
