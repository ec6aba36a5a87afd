import type { DataSource } from "typeorm";
import type { Clock } from "../../domain/clock";
import type { Page } from "../../domain/paging";
import { inOwnStatement } from "../../db/transaction";
import type { PersonalDataAccessEntity } from "../../entities/personal-data-access.entity";
import { ServiceUnavailableError } from "../../errors";
import { allAccessOfClient, listAccessOfClient } from "../../repositories/personal-data-access.reads";
import { appendAccessRows, type NewAccessRow } from "../../repositories/personal-data-access.writes";
import type { PageArgs } from "../../repositories/paging.reads";
import type { ReadPool } from "../../repositories/read-pool";
import type { AccessRecord, AccessTrail } from "./trail";
import type { Viewer } from "./viewer";

/** One subscriber's part of a live event, waiting for the next gathered INSERT. */
interface PendingDelivery {
  rows: NewAccessRow[];
  resolve(n: number): void;
  reject(err: Error): void;
}

/**
 * The access trail could not be written: the response that would have carried personal data in clear
 * is not sent (SPEC §14: no clear data without its record). SERVICE_UNAVAILABLE, retry.
 */
export class AccessTrailUnavailableError extends ServiceUnavailableError {
  constructor(readonly reason: string) {
    super("The access trail could not be recorded, so the personal data was not sent; try again shortly");
    this.name = "AccessTrailUnavailableError";
  }
}

/** Writes and reads the access trail (SPEC §14 "who read what"). */
export class AccessTrailService {
  constructor(
    private readonly ds: DataSource,
    private readonly primary: ReadPool,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends what one request served in clear: one INSERT for the whole request, nothing when it
   * served nothing in clear. Runs before the response is sent; a failure is AccessTrailUnavailableError
   * and the caller withholds the response.
   */
  async write(trail: AccessTrail): Promise<number> {
    const rows = this.rowsOf(trail.viewer, trail.requestId, trail.records());
    if (rows.length === 0) return 0;
    await this.append(rows);
    return rows.length;
  }

  /**
   * What one live event served in clear to one subscriber (SPEC §12, §14): the subscribers of an event
   * share one execution, so each gets its own records (its subject, its request id), and the records of
   * every subscriber reached in the same turn of the event loop are written in one INSERT. Resolves once
   * written, before the event is sent; rejects with AccessTrailUnavailableError like `write`.
   */
  deliver(viewer: Viewer, requestId: string, records: readonly AccessRecord[]): Promise<number> {
    const rows = this.rowsOf(viewer, requestId, records);
    if (rows.length === 0) return Promise.resolve(0);
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flushDeliveries());
    });
  }

  private pending: PendingDelivery[] = [];

  private async flushDeliveries(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      await this.append(batch.flatMap((d) => d.rows));
      for (const d of batch) d.resolve(d.rows.length);
    } catch (err) {
      for (const d of batch) d.reject(err as Error);
    }
  }

  private rowsOf(viewer: Viewer, requestId: string, records: readonly AccessRecord[]): NewAccessRow[] {
    if (records.length === 0) return [];
    const at = this.clock.now();
    return records.map((r) => ({
      clientId: r.clientId,
      subject: viewer.subject,
      fields: r.fields.join(","),
      requestId,
      at,
    }));
  }

  private async append(rows: readonly NewAccessRow[]): Promise<void> {
    try {
      await inOwnStatement(this.ds, (manager) => appendAccessRows(manager, rows));
    } catch (err) {
      // The statement holds ids, subjects and field names only: its error carries no personal data.
      throw new AccessTrailUnavailableError(err instanceof Error ? err.message : String(err));
    }
  }

  /** A client's records, latest first, keyset-paged. */
  ofClient(clientId: number, args: PageArgs): Promise<Page<PersonalDataAccessEntity>> {
    return listAccessOfClient(this.primary, clientId, args);
  }

  /** Every record of a client, latest first. */
  allOfClient(clientId: number): Promise<PersonalDataAccessEntity[]> {
    return allAccessOfClient(this.primary, clientId);
  }
}
