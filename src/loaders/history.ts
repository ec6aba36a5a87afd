import DataLoader from "dataloader";
import { checkFirst, type Page } from "../domain/paging";
import { decodeHistoryCursor, historyCursor, type HistoryKind } from "../repositories/client-history.reads";
import type { BatchReads } from "../services/read/batch-reads";

/** A read-back connection of one client: arguments shared by the whole batch. */
export interface HistoryPageKey {
  clientId: number;
  first: number;
  after: string | null;
}

const keyOf = (k: HistoryPageKey) => `${k.clientId}|${k.first}|${k.after ?? ""}`;

/**
 * A client's portraits, snapshots or trades, latest first: keys sharing (first, after) go into one
 * window-function statement, and totalCount into one GROUP BY, only when selected.
 */
export function historyPages<T extends { clientId: number }>(
  reads: BatchReads,
  kind: HistoryKind,
): DataLoader<HistoryPageKey, Page<T>, string> {
  const counts = new DataLoader<number, number>(async (clientIds) => {
    const map = await reads.historyCounts(kind, clientIds);
    return clientIds.map((id) => map.get(id) ?? 0);
  });
  return new DataLoader<HistoryPageKey, Page<T>, string>(
    async (keys) => {
      const groups = new Map<string, HistoryPageKey[]>();
      for (const k of keys) {
        const g = `${k.first}|${k.after ?? ""}`;
        groups.set(g, [...(groups.get(g) ?? []), k]);
      }
      const pages = new Map<string, Page<T>>();
      for (const group of groups.values()) {
        const { first, after: cursor } = group[0];
        const after = decodeHistoryCursor(kind, cursor);
        const ids = group.map((k) => k.clientId);
        const rows = await reads.history<T>(kind, ids, first, after);
        const perClient = new Map<number, T[]>();
        for (const r of rows) {
          const list = perClient.get(r.clientId);
          if (list) list.push(r);
          else perClient.set(r.clientId, [r]);
        }
        for (const k of group) {
          const list = perClient.get(k.clientId) ?? [];
          pages.set(keyOf(k), {
            rows: list.slice(0, first),
            hasNextPage: list.length > first,
            hasPreviousPage: after !== null,
            cursorOf: (r) => historyCursor(kind, r),
            total: () => counts.load(k.clientId),
          });
        }
      }
      return keys.map((k) => pages.get(keyOf(k)) as Page<T>);
    },
    { cacheKeyFn: keyOf },
  );
}

/** Validates a read-back connection's arguments before they become a loader key. */
export function historyPageKey(clientId: number, first: number, after: string | null | undefined): HistoryPageKey {
  return { clientId, first: checkFirst(first), after: after ?? null };
}
