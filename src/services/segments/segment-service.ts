import type { Readable } from "node:stream";
import type { DataSource } from "typeorm";
import type { Clock } from "../../domain/clock";
import { listClients, type ClientColumns, type ClientPage } from "../../repositories/client.reads";
import type { PageArgs } from "../../repositories/paging.reads";
import type { ReadPool } from "../../repositories/read-pool";
import { segmentStats } from "../../repositories/segment-membership.reads";
import type { BranchScope } from "../access/viewer";
import { memberStream } from "./members-stream";
import { membershipOf, type RequestCatalogue } from "./membership";
import { statsOf, type SegmentStats } from "./stats";

/**
 * A segment's members, their aggregates and the export of them: BI reads, which go to the bulk pool
 * (the replicas when configured). Membership comes from the request's catalogue of active segments.
 */
export class SegmentService {
  constructor(
    private readonly primary: ReadPool,
    private readonly bulk: ReadPool,
    private readonly exportSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Clients whose latest portrait places them in the segment, by clientNo, within the scope; `columns`
   * narrows what each row reads (a planned page).
   */
  async members(
    request: RequestCatalogue,
    segmentId: number,
    args: PageArgs,
    scope: BranchScope,
    columns: ClientColumns | null = null,
  ): Promise<ClientPage> {
    const membership = await membershipOf(request, segmentId);
    return listClients(this.bulk, args, null, scope, membership, null, undefined, columns);
  }

  /** Aggregates over the segment's members in scope, computed in the database. */
  async stats(request: RequestCatalogue, segmentId: number, scope: BranchScope): Promise<SegmentStats> {
    const row = await segmentStats(this.bulk, await membershipOf(request, segmentId), scope);
    return statsOf(row, this.clock.now());
  }

  /** Every member in scope as export rows; null for an unknown segment. */
  memberStream(segmentCode: string, scope: BranchScope): Promise<{ code: string; rows: Readable } | null> {
    return memberStream(this.primary, this.exportSource, segmentCode, scope);
  }
}
