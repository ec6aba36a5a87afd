import DataLoader from "dataloader";
import type {
  AlertEntity,
  AssetSnapshotEntity,
  ClientEntity,
  CreditFacilityEntity,
  PortraitEntity,
  PostLoanReviewEntity,
  ProductEntity,
  RiskAssessmentEntity,
  SatisfactionResponseEntity,
  SegmentEntity,
  TradeEntity,
} from "../entities";
import type { ReviewStatus } from "../domain/enums";
import type { ClientRows } from "../repositories/client.reads";
import type { BranchScope } from "../services/access/viewer";
import type { Catalogue, FacilityLimit } from "../services/fit/catalogue";
import { fitInputsOf, fitsOf, type ClientFit, type ClientFitInputs } from "../services/fit/fit-service";
import type { BatchReads, ChildKind } from "../services/read/batch-reads";
import { historyPages } from "./history";
import { checkFirst, creationCursor, decodeCreationCursor, type Page } from "../domain/paging";

/**
 * Per-request DataLoaders (built in the context function, never shared across requests): every
 * nested field of a page resolves in one statement per kind, whatever the page size.
 */

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/** A nested connection request: one parent, and arguments shared by the whole batch. */
export interface ChildPageKey {
  parentId: number;
  first: number;
  after: string | null;
  /** Filter discriminator, part of the batching key. */
  filter: string;
  /**
   * The columns to read of each child, comma-separated (a planned page's, which presents only what
   * it selected: resolvers/planned/); absent reads whole rows. Part of the batching key.
   */
  columns?: string;
}

/**
 * Loads the first N children of many parents: keys that share (first, after, filter) go into one
 * window-function statement; the page's totalCount is batched the same way, only when selected.
 */
function childPages<T extends PostLoanReviewEntity | AlertEntity>(
  reads: BatchReads,
  kind: ChildKind,
  order: string,
): DataLoader<ChildPageKey, Page<T>, string> {
  const parentColumn = reads.parentColumn(kind);
  const counts = new DataLoader<{ parentId: number; filter: string }, number, string>(
    async (keys) => {
      const groups = new Map<string, number[]>();
      for (const k of keys) {
        const ids = groups.get(k.filter);
        if (ids === undefined) groups.set(k.filter, [k.parentId]);
        else ids.push(k.parentId);
      }
      const results = new Map<string, number>();
      for (const [filter, ids] of groups) {
        const map = await reads.childCounts(kind, ids, filter);
        for (const id of ids) results.set(`${filter}|${id}`, map.get(id) ?? 0);
      }
      return keys.map((k) => results.get(`${k.filter}|${k.parentId}`) ?? 0);
    },
    { cacheKeyFn: (k) => `${k.filter}|${k.parentId}` },
  );

  return new DataLoader<ChildPageKey, Page<T>, string>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey[]>();
      for (const k of keys) {
        const g = `${k.first}|${k.after ?? ""}|${k.filter}|${k.columns ?? ""}`;
        const group = groups.get(g);
        if (group === undefined) groups.set(g, [k]);
        else group.push(k);
      }
      const pages = new Map<string, Page<T>>();
      for (const group of groups.values()) {
        const { first, after: afterCursor, filter, columns } = group[0];
        const after = decodeCreationCursor(order, afterCursor);
        const ids = group.map((k) => k.parentId);
        const rows = await reads.children<T>(kind, ids, first, after, filter, columns?.split(",") ?? null);
        const perParent = groupBy(ids, rows, (r) => (r as { clientId: number; facilityId: number })[parentColumn]);
        group.forEach((k, i) => {
          const list = perParent[i];
          pages.set(keyOf(k), {
            rows: list.slice(0, first),
            hasNextPage: list.length > first,
            hasPreviousPage: after !== null,
            cursorOf: (r) => creationCursor(order, r),
            total: () => counts.load({ parentId: k.parentId, filter }),
          });
        });
      }
      return keys.map((k) => pages.get(keyOf(k)) as Page<T>);
    },
    { cacheKeyFn: keyOf },
  );
}

function keyOf(k: ChildPageKey): string {
  return `${k.parentId}|${k.first}|${k.after ?? ""}|${k.filter}|${k.columns ?? ""}`;
}

export function createLoaders(reads: BatchReads, scope: BranchScope, now: () => Date = () => new Date()) {
  const base = createBaseLoaders(reads, scope);
  let catalogue: Promise<Catalogue> | null = null;
  const loaders = {
    ...base,
    /** Segments and products, loaded once per request. */
    catalogue: (): Promise<Catalogue> => (catalogue ??= reads.activeCatalogue()),
    fitInputs: new DataLoader<number, ClientFitInputs | null>(async (clientIds) => {
      // Whole batches through each loader (not a Promise.all per client): a page has 50 clients.
      const loaded = await base.client.loadMany(clientIds);
      const clients = loaded.map((c) => (c === null || c instanceof Error || c.latestPortraitId === null ? null : c));
      const present = clients.filter((c): c is ClientEntity => c !== null);
      const [portraits, validUntils, facilities] = await Promise.all([
        base.portrait.loadMany(present.map((c) => c.latestPortraitId!)),
        base.assessmentValidUntil.loadMany(present.map((c) => c.id)),
        base.facilityLimitsOfClient.loadMany(present.map((c) => c.id)),
      ]);
      return fitInputsOf(clients, portraits, validUntils, facilities, now());
    }),
  };
  /** A client's best segment and ranked products: matched once per request, whatever asks. */
  const fits = new DataLoader<number, ClientFit | null>(async (clientIds) => {
    const [inputs, catalogue] = await Promise.all([loaders.fitInputs.loadMany(clientIds), loaders.catalogue()]);
    return fitsOf(inputs, catalogue);
  });
  return { ...loaders, fits };
}

function createBaseLoaders(reads: BatchReads, scope: BranchScope) {
  const latestAssessment = new DataLoader<number, RiskAssessmentEntity | null>(async (clientIds) =>
    byKey(clientIds, await reads.latestAssessments(clientIds), (a) => a.clientId),
  );
  return {
    client: new DataLoader<number, ClientEntity | null>(async (ids) =>
      byKey(ids, await reads.clients(ids, scope), (c) => c.id),
    ),
    portrait: new DataLoader<number, PortraitEntity | null>(async (ids) =>
      byKey(ids, await reads.portraits(ids), (p) => p.id),
    ),
    assessment: new DataLoader<number, RiskAssessmentEntity | null>(async (ids) =>
      byKey(ids, await reads.assessments(ids), (a) => a.id),
    ),
    latestAssessment,
    /**
     * When the latest assessment lapses (null without one). A client page primes it; otherwise it
     * goes through latestAssessment, so asking for both costs one statement.
     */
    assessmentValidUntil: new DataLoader<number, Date | null>(async (clientIds) =>
      (await latestAssessment.loadMany(clientIds)).map((a) => (a instanceof Error ? a : (a?.validUntil ?? null))),
    ),
    facilitiesOfClient: new DataLoader<number, CreditFacilityEntity[]>(async (clientIds) =>
      groupBy(clientIds, await reads.facilitiesOfClients(clientIds), (f) => f.clientId),
    ),
    /** Facilities holding a limit, only the columns open limits need (fits). */
    facilityLimitsOfClient: new DataLoader<number, FacilityLimit[]>(async (clientIds) =>
      groupBy(clientIds, await reads.facilityLimitsOfClients(clientIds), (f) => f.clientId),
    ),
    facility: new DataLoader<number, CreditFacilityEntity | null>(async (ids) =>
      byKey(ids, await reads.facilities(ids, scope), (f) => f.id),
    ),
    review: new DataLoader<number, PostLoanReviewEntity | null>(async (ids) =>
      byKey(ids, await reads.reviews(ids, scope), (r) => r.id),
    ),
    alert: new DataLoader<number, AlertEntity | null>(async (ids) =>
      byKey(ids, await reads.alerts(ids, scope), (a) => a.id),
    ),
    satisfaction: new DataLoader<number, SatisfactionResponseEntity | null>(async (ids) =>
      byKey(ids, await reads.satisfaction(ids, scope), (r) => r.id),
    ),
    /** A client's segment on its last snapshot dated on or before a date: undefined without one (SPEC §13). */
    snapshotSegment: new DataLoader<{ clientId: number; date: string }, number | null | undefined, string>(
      async (pairs) => {
        const found = new Map<string, number | null>();
        for (const r of await reads.snapshotSegments(pairs)) {
          if (r.snapshotted) found.set(`${r.clientId}|${r.date}`, r.segmentId);
        }
        return pairs.map((p) => found.get(`${p.clientId}|${p.date}`));
      },
      { cacheKeyFn: (p) => `${p.clientId}|${p.date}` },
    ),
    product: new DataLoader<number, ProductEntity | null>(async (ids) =>
      byKey(ids, await reads.products(ids), (p) => p.id),
    ),
    segment: new DataLoader<number, SegmentEntity | null>(async (ids) =>
      byKey(ids, await reads.segments(ids), (s) => s.id),
    ),
    segmentIdsOfProduct: new DataLoader<number, number[]>(async (productIds) =>
      groupBy(productIds, await reads.productSegments(productIds), (ps) => ps.productId).map((list) =>
        list.map((ps) => ps.segmentId),
      ),
    ),
    reviewsOfClient: childPages<PostLoanReviewEntity>(reads, "reviewsOfClient", "review"),
    reviewsOfFacility: childPages<PostLoanReviewEntity>(reads, "reviewsOfFacility", "review"),
    alertsOfClient: childPages<AlertEntity>(reads, "alertsOfClient", "alert"),
    portraitsOfClient: historyPages<PortraitEntity>(reads, "portraits"),
    assetSnapshotsOfClient: historyPages<AssetSnapshotEntity>(reads, "assetSnapshots"),
    tradesOfClient: historyPages<TradeEntity>(reads, "trades"),
    satisfactionOfClient: historyPages<SatisfactionResponseEntity>(reads, "satisfaction"),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Seeds the loaders with what a client read brought, so nested fields find it without a statement. */
export function primeClientRows(loaders: Loaders, page: ClientRows): void {
  for (const c of page.rows) {
    loaders.client.prime(c.id, c);
    loaders.assessmentValidUntil.prime(c.id, page.assessmentValidUntil.get(c.id) ?? null);
  }
  for (const p of page.portraits) loaders.portrait.prime(p.id, p);
}

/** Validates a nested connection's arguments before they become a loader key. */
export function childPageKey(
  parentId: number,
  first: number,
  after: string | null | undefined,
  filter: string,
): ChildPageKey {
  return { parentId, first: checkFirst(first), after: after ?? null, filter };
}

export type { ReviewStatus };
