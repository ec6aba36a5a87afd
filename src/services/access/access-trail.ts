import type { DataSource } from "typeorm";
import type { Clock } from "../../domain/clock";
import type { Page } from "../../domain/paging";
import { inOwnStatement } from "../../db/transaction";
import type { PersonalDataAccessEntity } from "../../entities/personal-data-access.entity";
import { ServiceUnavailableError } from "../../errors";
import { allAccessOfClient, listAccessOfClient } from "../../repositories/personal-data-access.reads";
import { appendAccessRows } from "../../repositories/personal-data-access.writes";
import type { PageArgs } from "../../repositories/paging.reads";
import type { ReadPool } from "../../repositories/read-pool";
import type { AccessTrail } from "./trail";

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
    const records = trail.records();
    if (records.length === 0) return 0;
    const at = this.clock.now();
    const rows = records.map((r) => ({
      clientId: r.clientId,
      subject: trail.viewer.subject,
      fields: r.fields.join(","),
      requestId: trail.requestId,
      at,
    }));
    try {
      await inOwnStatement(this.ds, (manager) => appendAccessRows(manager, rows));
    } catch (err) {
      // The statement holds ids, subjects and field names only: its error carries no personal data.
      throw new AccessTrailUnavailableError(err instanceof Error ? err.message : String(err));
    }
    return rows.length;
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
