import type { EntityMetadata, ObjectLiteral } from "typeorm";
import { ClientEntity } from "../entities";
import type { ReadPool } from "./read-pool";

/** One table's rows about a client: the entity's metadata (for presenting) and the hydrated rows. */
export interface HeldRows {
  table: string;
  metadata: EntityMetadata;
  rows: ObjectLiteral[];
}

/** A client by number, whatever its branch (the caller decides who may see it). */
export async function clientByNumber(db: ReadPool, clientNo: string): Promise<ClientEntity | null> {
  const rows = await db.rows(ClientEntity, "SELECT * FROM `client` WHERE `clientNo` = ?", [clientNo]);
  return rows[0] ?? null;
}

/**
 * Every row the service holds about a client (SPEC §14, the client's copy): the rows of each table with
 * a `clientId` column — assessments, portraits, snapshots, trades, facilities, reviews, alerts, the
 * access trail and any table added later (satisfaction) — in primary-key order, one statement per table.
 */
export async function rowsHeldAbout(db: ReadPool, clientId: number): Promise<HeldRows[]> {
  const ds = db.ds;
  const owned = ds.entityMetadatas
    .filter((m) => m.tableType === "regular" && m.findColumnWithPropertyName("clientId") !== undefined)
    .sort((a, b) => a.tableName.localeCompare(b.tableName));
  const out: HeldRows[] = [];
  for (const metadata of owned) {
    const column = metadata.findColumnWithPropertyName("clientId")!.databaseName;
    const order = metadata.primaryColumns.map((c) => `\`${c.databaseName}\``).join(", ");
    const rows = await db.rows(
      metadata.target,
      `SELECT * FROM \`${metadata.tableName}\` WHERE \`${column}\` = ? ORDER BY ${order}`,
      [clientId],
    );
    out.push({ table: metadata.tableName, metadata, rows });
  }
  return out;
}
