import type { AlertEntity, AuditEntryEntity, CreditFacilityEntity, EventEntity } from "../../entities";
import type { PostLoanReviewEntity } from "../../entities";
import type { ProductEntity, SegmentEntity } from "../../entities";
import { listAlerts, type AlertListFilter } from "../../repositories/alert.reads";
import { auditByIds, listAudit, type AuditListFilter } from "../../repositories/audit.reads";
import * as catalogue from "../../repositories/catalogue.reads";
import { listEvents, type EventListFilter } from "../../repositories/event.reads";
import {
  oneClient,
  listClients,
  type ClientColumns,
  type ClientListFilter,
  type ClientPage,
  type ClientRows,
} from "../../repositories/client.reads";
import { listFacilities, type FacilityListFilter } from "../../repositories/facility.reads";
import type { PageArgs } from "../../repositories/paging.reads";
import type { ReadPool } from "../../repositories/read-pool";
import { listReviews, type ReviewListFilter } from "../../repositories/review.reads";
import type { BranchScope } from "../access/viewer";
import { membershipOf, NO_MEMBERS, type RequestCatalogue } from "../segments/membership";
import type { Page } from "../../domain/paging";
import type {
  AlertOrderField,
  ClientOrderField,
  FacilityOrderField,
  ListOrder,
  ReviewOrderField,
} from "../../domain/order";

export type { ClientColumns, ClientPage, ClientRows };

/** The client list's filter: the columns it narrows by, and a segment's membership. */
export type ClientsFilter = ClientListFilter & { segmentCode?: string | null };

/**
 * The root lists and point reads of the graph. Scoping is in the repositories' SQL (only rows the
 * scope may see are loaded); this service decides where each read goes: the primary, or the bulk
 * pool (the replicas when configured) for BI reads.
 */
export class ReadService {
  constructor(
    private readonly primary: ReadPool,
    private readonly bulk: ReadPool,
  ) {}

  /**
   * One client by number or by id, with its latest portrait and assessment validity, on the primary as
   * the client loader reads (so a planned `client(id:)` sees what the loader would have), under the
   * viewer's scope; `columns` narrows what its row reads (a planned `client`).
   */
  oneClient(
    by: { clientNo: string } | { id: number },
    scope: BranchScope,
    columns: ClientColumns | null = null,
  ): Promise<ClientRows> {
    return oneClient(this.primary, by, scope, columns);
  }

  /**
   * Clients by clientNo, or `orderBy`; `personalData` is the scope a search may match personal data in
   * (personalDataScope); `columns` narrows what each row reads (a planned page). A filtered list is a BI read and goes to the bulk pool; a segmentCode
   * filter keeps the members of that segment (none for an unknown code).
   */
  async clients(
    request: RequestCatalogue,
    args: PageArgs,
    filter: ClientsFilter | null | undefined,
    scope: BranchScope,
    orderBy: ListOrder<ClientOrderField> | null = null,
    personalData: BranchScope = { all: false, branch: null },
    columns: ClientColumns | null = null,
  ): Promise<ClientPage> {
    let membership = null;
    if (filter?.segmentCode !== null && filter?.segmentCode !== undefined) {
      const segment = await catalogue.segmentByCode(this.primary, filter.segmentCode);
      membership = segment === null ? NO_MEMBERS : await membershipOf(request, segment.id);
    }
    const pool = filter ? this.bulk : this.primary;
    return listClients(pool, args, filter, scope, membership, orderBy, personalData, columns);
  }

  facilities(
    args: PageArgs,
    filter: FacilityListFilter | null | undefined,
    scope: BranchScope,
    orderBy: ListOrder<FacilityOrderField> | null = null,
  ): Promise<Page<CreditFacilityEntity>> {
    return listFacilities(this.primary, args, filter, scope, orderBy);
  }

  reviews(
    args: PageArgs,
    filter: ReviewListFilter | null | undefined,
    scope: BranchScope,
    orderBy: ListOrder<ReviewOrderField> | null = null,
  ): Promise<Page<PostLoanReviewEntity>> {
    return listReviews(this.primary, args, filter, scope, orderBy);
  }

  alerts(
    args: PageArgs,
    filter: AlertListFilter | null | undefined,
    scope: BranchScope,
    orderBy: ListOrder<AlertOrderField> | null = null,
  ): Promise<Page<AlertEntity>> {
    return listAlerts(this.primary, args, filter, scope, orderBy);
  }

  /** The audit trail; who may read it is decided by the caller's authorization. */
  auditLog(args: PageArgs, filter: AuditListFilter | null | undefined): Promise<Page<AuditEntryEntity>> {
    return listAudit(this.primary, args, filter);
  }

  /** The outbox stream in sequence order (SPEC §12); who may read it is decided by the caller's authorization. */
  events(args: PageArgs, filter: EventListFilter | null | undefined): Promise<Page<EventEntity>> {
    return listEvents(this.primary, args, filter);
  }

  async auditEntry(id: number): Promise<AuditEntryEntity | null> {
    const [entry] = await auditByIds(this.primary, [id]);
    return entry ?? null;
  }

  segments(activeOnly: boolean): Promise<SegmentEntity[]> {
    return catalogue.segments(this.primary, activeOnly);
  }

  segment(code: string): Promise<SegmentEntity | null> {
    return catalogue.segmentByCode(this.primary, code);
  }

  products(activeOnly: boolean): Promise<ProductEntity[]> {
    return catalogue.products(this.primary, activeOnly);
  }

  product(code: string): Promise<ProductEntity | null> {
    return catalogue.productByCode(this.primary, code);
  }
}
