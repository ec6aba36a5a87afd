import {
  AlertEntity,
  PostLoanReviewEntity,
  type ClientEntity,
  type CreditFacilityEntity,
  type PortraitEntity,
  type ProductEntity,
  type ProductSegmentEntity,
  type RiskAssessmentEntity,
  type SatisfactionResponseEntity,
  type SegmentEntity,
} from "../../entities";
import { alertOpenFilter, alertsByIds } from "../../repositories/alert.reads";
import { assessmentsByIds, latestAssessments } from "../../repositories/assessment.reads";
import * as catalogue from "../../repositories/catalogue.reads";
import { clientsByIds } from "../../repositories/client.reads";
import { facilitiesByIds, facilitiesOfClients, facilityLimitsOfClients } from "../../repositories/facility.reads";
import { countPerParent, firstPerParent, type ClientOwned, type Where } from "../../repositories/paging.reads";
import { portraitsByIds } from "../../repositories/portrait.reads";
import { historyCounts, historyOfClients, type HistoryKind } from "../../repositories/client-history.reads";
import type { ReadPool } from "../../repositories/read-pool";
import { reviewsByIds, reviewStatusFilter } from "../../repositories/review.reads";
import { satisfactionByIds, snapshotSegmentsOn, type SnapshotSegment } from "../../repositories/satisfaction.reads";
import type { BranchScope } from "../access/viewer";
import { activeCatalogue, type Catalogue } from "../fit/catalogue";
import type { CreationKey } from "../../domain/paging";

/** Nested connections the loaders page per parent, with what their string filter means. */
const CHILDREN = {
  reviewsOfClient: { table: PostLoanReviewEntity, parent: "clientId", filter: reviewStatusFilter },
  reviewsOfFacility: { table: PostLoanReviewEntity, parent: "facilityId", filter: () => undefined },
  alertsOfClient: { table: AlertEntity, parent: "clientId", filter: alertOpenFilter },
} satisfies Record<
  string,
  { table: ClientOwned; parent: "clientId" | "facilityId"; filter: (value: string, where: Where) => void }
>;

export type ChildKind = keyof typeof CHILDREN;

/**
 * The batch reads behind the per-request loaders, by id or by parent, on the primary: a page's
 * nested fields see what the page's own statement saw. Rows of clients out of scope are not loaded.
 */
export class BatchReads {
  constructor(private readonly db: ReadPool) {}

  clients(ids: readonly number[], scope: BranchScope): Promise<ClientEntity[]> {
    return clientsByIds(this.db, ids, scope);
  }

  portraits(ids: readonly number[]): Promise<PortraitEntity[]> {
    return portraitsByIds(this.db, ids);
  }

  assessments(ids: readonly number[]): Promise<RiskAssessmentEntity[]> {
    return assessmentsByIds(this.db, ids);
  }

  latestAssessments(clientIds: readonly number[]): Promise<RiskAssessmentEntity[]> {
    return latestAssessments(this.db, clientIds);
  }

  facilitiesOfClients(clientIds: readonly number[]): Promise<CreditFacilityEntity[]> {
    return facilitiesOfClients(this.db, clientIds);
  }

  facilityLimitsOfClients(clientIds: readonly number[]): Promise<CreditFacilityEntity[]> {
    return facilityLimitsOfClients(this.db, clientIds);
  }

  facilities(ids: readonly number[], scope: BranchScope): Promise<CreditFacilityEntity[]> {
    return facilitiesByIds(this.db, ids, scope);
  }

  reviews(ids: readonly number[], scope: BranchScope): Promise<PostLoanReviewEntity[]> {
    return reviewsByIds(this.db, ids, scope);
  }

  alerts(ids: readonly number[], scope: BranchScope): Promise<AlertEntity[]> {
    return alertsByIds(this.db, ids, scope);
  }

  satisfaction(ids: readonly number[], scope: BranchScope): Promise<SatisfactionResponseEntity[]> {
    return satisfactionByIds(this.db, ids, scope);
  }

  /** Each client's segment on its last snapshot dated on or before each date (SPEC §13). */
  snapshotSegments(pairs: readonly { clientId: number; date: string }[]): Promise<SnapshotSegment[]> {
    return snapshotSegmentsOn(this.db, pairs);
  }

  products(ids: readonly number[]): Promise<ProductEntity[]> {
    return catalogue.productsByIds(this.db, ids);
  }

  segments(ids: readonly number[]): Promise<SegmentEntity[]> {
    return catalogue.segmentsByIds(this.db, ids);
  }

  productSegments(productIds: readonly number[]): Promise<ProductSegmentEntity[]> {
    return catalogue.productSegments(this.db, productIds);
  }

  /** The active catalogue (segments and products) matching runs against: two statements. */
  async activeCatalogue(): Promise<Catalogue> {
    const [segments, products] = await Promise.all([
      catalogue.segments(this.db, false),
      catalogue.productsWithSegmentIds(this.db, true),
    ]);
    return activeCatalogue(segments, products);
  }

  /**
   * The first `first` children (plus one) of each parent after `after`, in one statement; `columns`
   * narrows what each row reads (a planned page), null reads them whole.
   */
  children<T extends PostLoanReviewEntity | AlertEntity>(
    kind: ChildKind,
    parentIds: readonly number[],
    first: number,
    after: CreationKey | null,
    filter: string,
    columns: readonly string[] | null = null,
  ): Promise<T[]> {
    const c = CHILDREN[kind];
    const where = (w: Where) => c.filter(filter, w);
    return firstPerParent<T>(this.db, c.table, c.parent, parentIds, first, after, where, columns);
  }

  /** How many children each parent has under the filter, in one statement. */
  childCounts(kind: ChildKind, parentIds: readonly number[], filter: string): Promise<Map<number, number>> {
    const c = CHILDREN[kind];
    return countPerParent(this.db, c.table, c.parent, parentIds, (w) => c.filter(filter, w));
  }

  /** A client's portraits, snapshots or trades, latest first, for many clients in one statement. */
  history<T extends { clientId: number }>(
    kind: HistoryKind,
    clientIds: readonly number[],
    first: number,
    after: (string | number)[] | null,
  ): Promise<T[]> {
    return historyOfClients<T>(this.db, kind, clientIds, first, after);
  }

  historyCounts(kind: HistoryKind, clientIds: readonly number[]): Promise<Map<number, number>> {
    return historyCounts(this.db, kind, clientIds);
  }

  /** Which column of a child holds its parent's id. */
  parentColumn(kind: ChildKind): "clientId" | "facilityId" {
    return CHILDREN[kind].parent;
  }
}
