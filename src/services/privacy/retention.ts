import type { DataSource } from "typeorm";
import { seal } from "../../crypto/personal-data";
import { lockClients } from "../../db/locks";
import { inTransaction } from "../../db/transaction";
import type { Clock } from "../../domain/clock";
import {
  closedBeforeAfterId,
  countClosedBefore,
  deidentifyClientRow,
  stillClosedBefore,
} from "../../repositories/retention.writes";
import { recordAudit } from "../audit/audit";

/** What a de-identified client's name and ID number read as (stored sealed, like every personal value). */
export const DEIDENTIFIED_MARKER = "[de-identified]";

export interface RetentionOptions {
  clock: Clock;
  /** RETENTION_YEARS. */
  years: number;
  batchSize: number;
  /** The audit actor, e.g. `cli:retention`. */
  actor: string;
  onProgress?: (done: number, total: number) => void;
}

export interface RetentionResult {
  /** Clients whose exit is at or before this instant are de-identified: the clock's now less `years` years. */
  cutoff: Date;
  /** How many were due when the run began. */
  due: number;
  deidentified: number;
  ms: number;
}

/** `now` less whole calendar years, in UTC (29 February falls to 1 March). */
export function yearsBefore(now: Date, years: number): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}

/**
 * SPEC §14 "after the exit": de-identifies every client CLOSED for longer than `years` as of the clock
 * (repositories/retention.writes.ts says exactly which): name and ID number replaced by the marker,
 * phone removed, blind indexes removed, satisfaction comments removed; assessments, portraits, snapshots, trades, facilities,
 * reviews, alerts, declared figures, the audit trail and the access trail kept. In batches, each its
 * own transaction with the clients locked and judged again; one audit entry (deidentifyClient, with
 * its client.deidentified event) per client. Idempotent: a de-identified client is never due again.
 */
export async function deidentifyClosedClients(ds: DataSource, opts: RetentionOptions): Promise<RetentionResult> {
  const started = Date.now();
  const now = opts.clock.now();
  const cutoff = yearsBefore(now, opts.years);
  const due = await countClosedBefore(ds.manager, cutoff);
  opts.onProgress?.(0, due);
  let listed = 0;
  let deidentified = 0;
  let afterId = 0;
  for (;;) {
    const ids = await closedBeforeAfterId(ds.manager, cutoff, afterId, opts.batchSize);
    if (ids.length === 0) break;
    afterId = ids[ids.length - 1];
    deidentified += await inTransaction(ds, async (manager) => {
      await lockClients(manager, ids);
      const clients = await stillClosedBefore(manager, cutoff, ids);
      for (const client of clients) {
        await deidentifyClientRow(manager, client, {
          name: seal(DEIDENTIFIED_MARKER),
          idNumber: seal(DEIDENTIFIED_MARKER),
          at: now,
        });
        await recordAudit(
          manager,
          { subject: opts.actor },
          "deidentifyClient",
          { type: "Client", id: client.id, version: client.version + 1 },
          {
            at: now,
            changes: { deidentified: "name,idNumber,phone,satisfaction comments", retentionYears: opts.years },
          },
        );
      }
      return clients.length;
    });
    listed += ids.length;
    opts.onProgress?.(Math.min(listed, Math.max(due, listed)), Math.max(due, listed));
  }
  return { cutoff, due, deidentified, ms: Date.now() - started };
}
