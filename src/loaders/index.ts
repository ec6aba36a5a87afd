import DataLoader from "dataloader";
import type {
  AlertEntity,
  ClientEntity,
  CreditFacilityEntity,
  PortraitEntity,
  PostLoanReviewEntity,
  ProductEntity,
  RiskAssessmentEntity,
  SegmentEntity,
} from "../entities";
import { AlertEntity as AlertTable, PostLoanReviewEntity as ReviewTable } from "../entities";
import type { ReviewStatus } from "../domain/enums";
import type { BranchScope } from "../services/access/viewer";
import type { BookReader, ClientRows, Where } from "../services/read/book-reader";
import { productRef, segmentRef, subjectOf, type Catalogue, type FacilityLimit } from "../services/fit/catalogue";
import type { FitSubject } from "../services/matching";
import { clientFit, type ClientFit } from "../services/fit/fit-service";
import { checkFirst, creationCursor, decodeCreationCursor, type Page } from "../services/read/paging";

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
}

type ChildTable = typeof ReviewTable | typeof AlertTable;

/**
 * Loads the first N children of many parents: keys that share (first, after, filter) go into one
 * window-function statement; the page's totalCount is batched the same way, only when selected.
 */
function childPages<T extends { createdAt: Date; id: number } & Record<string, unknown>>(
  reader: BookReader,
  table: ChildTable,
  parentColumn: "clientId" | "facilityId",
  order: string,
  applyFilter: (filter: string, where: Where) => void,
): DataLoader<ChildPageKey, Page<T>, string> {
  const counts = new DataLoader<{ parentId: number; filter: string }, number, string>(
    async (keys) => {
      const groups = new Map<string, number[]>();
      for (const k of keys) groups.set(k.filter, [...(groups.get(k.filter) ?? []), k.parentId]);
      const results = new Map<string, number>();
      for (const [filter, ids] of groups) {
        const map = await reader.countPerParent(table, parentColumn, ids, (w) => applyFilter(filter, w));
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
        const g = `${k.first}|${k.after ?? ""}|${k.filter}`;
        groups.set(g, [...(groups.get(g) ?? []), k]);
      }
      const pages = new Map<string, Page<T>>();
      for (const group of groups.values()) {
        const { first, after: afterCursor, filter } = group[0];
        const after = decodeCreationCursor(order, afterCursor);
        const ids = group.map((k) => k.parentId);
        const rows = await reader.firstPerParent<T>(table, parentColumn, ids, first, after, (w) =>
          applyFilter(filter, w),
        );
        const perParent = groupBy(ids, rows, (r) => r[parentColumn] as number);
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
  return `${k.parentId}|${k.first}|${k.after ?? ""}|${k.filter}`;
}

async function loadCatalogue(reader: BookReader): Promise<Catalogue> {
  const [segments, products] = await Promise.all([reader.segments(false), reader.productsWithSegmentIds(true)]);
  const codeOf = new Map(segments.map((s) => [s.id, s.code]));
  return {
    segments: segments.filter((s) => s.active).map(segmentRef),
    products: products.map(({ product, segmentIds }) =>
      productRef(
        product,
        segmentIds.map((id) => codeOf.get(id)!),
      ),
    ),
  };
}

/** Everything the fit of one client needs, gathered through the other loaders (so still batched). */
export interface ClientFitInputs {
  subject: FitSubject;
  facilities: FacilityLimit[];
}

export function createLoaders(reader: BookReader, scope: BranchScope, now: () => Date = () => new Date()) {
  const base = createBaseLoaders(reader, scope);
  let catalogue: Promise<Catalogue> | null = null;
  const loaders = {
    ...base,
    /** Segments and products, loaded once per request. */
    catalogue: (): Promise<Catalogue> => (catalogue ??= loadCatalogue(reader)),
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
      const at = now();
      let i = 0;
      return clients.map((c) => {
        if (c === null) return null;
        const [portrait, validUntil, limits] = [portraits[i], validUntils[i], facilities[i]];
        i += 1;
        if (portrait instanceof Error) return portrait;
        if (validUntil instanceof Error) return validUntil;
        if (limits instanceof Error) return limits;
        const subject = subjectOf(c, portrait, validUntil, at);
        return subject && { subject, facilities: limits };
      });
    }),
  };
  /** A client's best segment and ranked products: matched once per request, whatever asks. */
  const fits = new DataLoader<number, ClientFit | null>(async (clientIds) => {
    const [inputs, catalogue] = await Promise.all([loaders.fitInputs.loadMany(clientIds), loaders.catalogue()]);
    return inputs.map((i) =>
      i === null ? null : i instanceof Error ? i : clientFit(i.subject, i.facilities, catalogue),
    );
  });
  return { ...loaders, fits };
}

function createBaseLoaders(reader: BookReader, scope: BranchScope) {
  const latestAssessment = new DataLoader<number, RiskAssessmentEntity | null>(async (clientIds) =>
    byKey(clientIds, await reader.latestAssessments(clientIds), (a) => a.clientId),
  );
  return {
    client: new DataLoader<number, ClientEntity | null>(async (ids) =>
      byKey(ids, await reader.clientsByIds(ids, scope), (c) => c.id),
    ),
    portrait: new DataLoader<number, PortraitEntity | null>(async (ids) =>
      byKey(ids, await reader.portraitsByIds(ids), (p) => p.id),
    ),
    assessment: new DataLoader<number, RiskAssessmentEntity | null>(async (ids) =>
      byKey(ids, await reader.assessmentsByIds(ids), (a) => a.id),
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
      groupBy(clientIds, await reader.facilitiesOfClients(clientIds), (f) => f.clientId),
    ),
    /** Facilities holding a limit, only the columns open limits need (fits). */
    facilityLimitsOfClient: new DataLoader<number, FacilityLimit[]>(async (clientIds) =>
      groupBy(clientIds, await reader.facilityLimitsOfClients(clientIds), (f) => f.clientId),
    ),
    facility: new DataLoader<number, CreditFacilityEntity | null>(async (ids) =>
      byKey(ids, await reader.facilitiesByIds(ids, scope), (f) => f.id),
    ),
    review: new DataLoader<number, PostLoanReviewEntity | null>(async (ids) =>
      byKey(ids, await reader.reviewsByIds(ids, scope), (r) => r.id),
    ),
    alert: new DataLoader<number, AlertEntity | null>(async (ids) =>
      byKey(ids, await reader.alertsByIds(ids, scope), (a) => a.id),
    ),
    product: new DataLoader<number, ProductEntity | null>(async (ids) =>
      byKey(ids, await reader.productsByIds(ids), (p) => p.id),
    ),
    segment: new DataLoader<number, SegmentEntity | null>(async (ids) =>
      byKey(ids, await reader.segmentsByIds(ids), (s) => s.id),
    ),
    segmentIdsOfProduct: new DataLoader<number, number[]>(async (productIds) =>
      groupBy(productIds, await reader.productSegments(productIds), (ps) => ps.productId).map((list) =>
        list.map((ps) => ps.segmentId),
      ),
    ),
    reviewsOfClient: childPages<PostLoanReviewEntity & Record<string, unknown>>(
      reader,
      ReviewTable,
      "clientId",
      "review",
      (status, w) => {
        if (status !== "") w.add("x.`status` = ?", status);
      },
    ),
    reviewsOfFacility: childPages<PostLoanReviewEntity & Record<string, unknown>>(
      reader,
      ReviewTable,
      "facilityId",
      "review",
      () => undefined,
    ),
    alertsOfClient: childPages<AlertEntity & Record<string, unknown>>(
      reader,
      AlertTable,
      "clientId",
      "alert",
      (open, w) => {
        if (open === "open") w.add("x.`resolvedAt` IS NULL");
      },
    ),
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
