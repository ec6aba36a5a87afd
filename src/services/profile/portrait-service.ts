import type { DataSource } from "typeorm";
import { ClientEntity, type PortraitEntity } from "../../entities";
import { today, type Clock } from "../../domain/clock";
import { UserErrorCode } from "../../domain/enums";
import { Refusal } from "../../errors";
import type { Viewer } from "../access/viewer";
import { PortraitRefresher } from "./portrait-refresh";

/** The `refreshPortrait` use case (SPEC §3). */
export class PortraitService {
  readonly refresher: PortraitRefresher;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {
    this.refresher = new PortraitRefresher(ds);
  }

  /** Computes the client's portrait as of a date. Refuses an unknown client (NOT_FOUND) and a future date (INVALID). */
  async refreshPortrait(viewer: Viewer, clientId: number | null, asOf: string): Promise<PortraitEntity> {
    if (asOf > today(this.clock)) {
      throw Refusal.of(UserErrorCode.INVALID, "asOf must not be in the future", ["input", "asOf"]);
    }
    const exists = clientId !== null && (await this.ds.getRepository(ClientEntity).existsBy({ id: clientId }));
    if (!exists || clientId === null)
      throw Refusal.of(UserErrorCode.NOT_FOUND, "No such client", ["input", "clientId"]);
    return this.refresher.refreshOne(clientId, asOf, viewer.subject, this.clock.now());
  }
}
