import { inTransaction } from "../../db/transaction";
import { lockById } from "../../db/locks";
import Decimal from "decimal.js";
import type { DataSource, EntityManager } from "typeorm";
import { AssetSnapshotEntity, ClientEntity, TradeEntity } from "../../entities";
import { today, type Clock } from "../../domain/clock";
import { UserErrorCode, type TradeSide } from "../../domain/enums";
import { placeholders } from "../../db/sql";
import { Refusal, UserError } from "../../errors";
import type { Viewer } from "../access/viewer";
import { recordAudit } from "../audit/audit";

export const MAX_SNAPSHOTS_PER_CALL = 1000;
export const MAX_TRADES_PER_CALL = 5000;
const EARLIEST = "1990-01-01";

export interface SnapshotProps {
  date: string;
  totalAssets: Decimal;
  securitiesAssets: Decimal;
  liabilities?: Decimal | string | null;
}

export interface TradeProps {
  tradeDate: string;
  symbol: string;
  side: TradeSide;
  quantity: number;
  amount: Decimal;
}

async function loadClient(manager: EntityManager, clientId: number | null): Promise<ClientEntity> {
  // One client, one line of writes (SPEC §10): the client row is locked for the whole call.
  const client = await lockById(manager, ClientEntity, clientId);
  if (client === null) throw Refusal.of(UserErrorCode.NOT_FOUND, "No such client", ["input", "clientId"]);
  return client;
}

/** Raw data feeds: daily asset snapshots and trades (SPEC §3). All-or-nothing per call. */
export class RawDataService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Records daily snapshots; a second snapshot for a client and date replaces the first. Refuses
   * (INVALID, with the item's field): more than 1,000 items, a date in the future or twice in one
   * call, negative amounts, securities above total assets; an unknown client is NOT_FOUND.
   */
  async recordAssetSnapshots(viewer: Viewer, clientId: number | null, items: SnapshotProps[]): Promise<number> {
    const todayDate = today(this.clock);
    const errors: UserError[] = [];
    if (items.length > MAX_SNAPSHOTS_PER_CALL) {
      throw Refusal.of(UserErrorCode.INVALID, `At most ${MAX_SNAPSHOTS_PER_CALL} snapshots per call`, [
        "input",
        "snapshots",
      ]);
    }
    const seen = new Set<string>();
    items.forEach((s, i) => {
      const at = (name: string) => ["input", "snapshots", String(i), name];
      if (s.date > todayDate)
        errors.push(new UserError(UserErrorCode.INVALID, "date must not be in the future", at("date")));
      if (s.date < EARLIEST)
        errors.push(new UserError(UserErrorCode.INVALID, `date must be on or after ${EARLIEST}`, at("date")));
      if (seen.has(s.date))
        errors.push(new UserError(UserErrorCode.INVALID, "date appears twice in this call", at("date")));
      seen.add(s.date);
      const liabilities = new Decimal(s.liabilities ?? 0);
      if (s.totalAssets.isNegative())
        errors.push(new UserError(UserErrorCode.INVALID, "totalAssets must not be negative", at("totalAssets")));
      if (s.securitiesAssets.isNegative()) {
        errors.push(
          new UserError(UserErrorCode.INVALID, "securitiesAssets must not be negative", at("securitiesAssets")),
        );
      } else if (s.securitiesAssets.gt(s.totalAssets)) {
        errors.push(
          new UserError(UserErrorCode.INVALID, "securitiesAssets must not exceed totalAssets", at("securitiesAssets")),
        );
      }
      if (liabilities.isNegative())
        errors.push(new UserError(UserErrorCode.INVALID, "liabilities must not be negative", at("liabilities")));
    });
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const client = await loadClient(manager, clientId);
      if (errors.length > 0) throw new Refusal(errors);
      if (items.length === 0) return 0;
      const dates = items.map((s) => s.date);
      await manager.query(
        `DELETE FROM \`asset_snapshot\` WHERE \`clientId\` = ? AND \`date\` IN (${placeholders(dates.length)})`,
        [client.id, ...dates],
      );
      for (let i = 0; i < items.length; i += 500) {
        await manager.insert(
          AssetSnapshotEntity,
          items.slice(i, i + 500).map((s) => ({
            clientId: client.id,
            date: s.date,
            totalAssets: s.totalAssets,
            securitiesAssets: s.securitiesAssets,
            liabilities: new Decimal(s.liabilities ?? 0),
            recordedAt: now,
          })),
        );
      }
      const sorted = [...dates].sort();
      await recordAudit(
        manager,
        viewer,
        "recordAssetSnapshots",
        { type: "Client", id: client.id },
        {
          at: now,
          changes: { count: items.length, from: sorted[0], to: sorted[sorted.length - 1] },
        },
      );
      return items.length;
    });
  }

  /**
   * Records trades. Refuses (INVALID, with the item's field): more than 5,000 items, a trade date in
   * the future, a non-positive amount or quantity, a malformed symbol; an unknown client is NOT_FOUND.
   */
  async recordTrades(viewer: Viewer, clientId: number | null, items: TradeProps[]): Promise<number> {
    const todayDate = today(this.clock);
    if (items.length > MAX_TRADES_PER_CALL) {
      throw Refusal.of(UserErrorCode.INVALID, `At most ${MAX_TRADES_PER_CALL} trades per call`, ["input", "trades"]);
    }
    const errors: UserError[] = [];
    items.forEach((t, i) => {
      const at = (name: string) => ["input", "trades", String(i), name];
      if (t.tradeDate > todayDate)
        errors.push(new UserError(UserErrorCode.INVALID, "tradeDate must not be in the future", at("tradeDate")));
      if (t.tradeDate < EARLIEST)
        errors.push(new UserError(UserErrorCode.INVALID, `tradeDate must be on or after ${EARLIEST}`, at("tradeDate")));
      if (!/^[A-Z0-9.]{1,16}$/.test(t.symbol))
        errors.push(new UserError(UserErrorCode.INVALID, "symbol must be 1–16 capitals, digits or dots", at("symbol")));
      if (!Number.isInteger(t.quantity) || t.quantity < 1)
        errors.push(new UserError(UserErrorCode.INVALID, "quantity must be a positive whole number", at("quantity")));
      if (!t.amount.isPositive() || t.amount.isZero())
        errors.push(new UserError(UserErrorCode.INVALID, "amount must be positive", at("amount")));
    });
    const now = this.clock.now();
    return inTransaction(this.ds, async (manager) => {
      const client = await loadClient(manager, clientId);
      if (errors.length > 0) throw new Refusal(errors);
      for (let i = 0; i < items.length; i += 500) {
        await manager.insert(
          TradeEntity,
          items.slice(i, i + 500).map((t) => ({
            clientId: client.id,
            tradeDate: t.tradeDate,
            symbol: t.symbol,
            side: t.side,
            quantity: t.quantity,
            amount: t.amount,
            recordedAt: now,
          })),
        );
      }
      await recordAudit(
        manager,
        viewer,
        "recordTrades",
        { type: "Client", id: client.id },
        {
          at: now,
          changes: { count: items.length },
        },
      );
      return items.length;
    });
  }
}
