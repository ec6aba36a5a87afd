import type { EntityManager } from "typeorm";
import { placeholders, sqlInstant } from "../db/sql";
import { ClientStatus } from "../domain/enums";
import { OPEN } from "../domain/facility-status";

type Queryable = Pick<EntityManager, "query">;

/** What a de-identified client's ID-number blind index holds instead of an HMAC: unique, derived from nothing personal. */
export const DEIDENTIFIED_INDEX_PREFIX = "deidentified:";

/**
 * SPEC §14 "after the exit", as SQL: a client is CLOSED for retention when its status is CLOSED, it
 * holds no open facility, nothing about it changed since the cutoff (the client row's updatedAt — the
 * closing update sets it, a later change only moves it later — and every facility's updatedAt, its
 * exit included), and it is not de-identified already.
 */
function closedBefore(cutoff: Date): { sql: string; params: unknown[] } {
  const at = sqlInstant(cutoff);
  return {
    sql:
      "c.`status` = ? AND c.`updatedAt` <= ? AND c.`idNumberBlindIndex` NOT LIKE ? AND NOT EXISTS (" +
      "SELECT 1 FROM `credit_facility` f WHERE f.`clientId` = c.`id` AND " +
      `(f.\`status\` IN (${placeholders(OPEN.length)}) OR f.\`updatedAt\` > ?))`,
    params: [ClientStatus.CLOSED, at, `${DEIDENTIFIED_INDEX_PREFIX}%`, ...OPEN, at],
  };
}

/** How many clients the retention run would de-identify now. */
export async function countClosedBefore(db: Queryable, cutoff: Date): Promise<number> {
  const c = closedBefore(cutoff);
  const rows = (await db.query(`SELECT COUNT(*) AS n FROM \`client\` c WHERE ${c.sql}`, c.params)) as { n: unknown }[];
  return Number(rows[0]?.n ?? 0);
}

/** The next batch of such clients by id (unlocked listing: each is judged again under its lock). */
export async function closedBeforeAfterId(
  db: Queryable,
  cutoff: Date,
  afterId: number,
  limit: number,
): Promise<number[]> {
  const c = closedBefore(cutoff);
  const rows = (await db.query(
    `SELECT c.\`id\` FROM \`client\` c WHERE ${c.sql} AND c.\`id\` > ? ORDER BY c.\`id\` LIMIT ?`,
    [...c.params, afterId, limit],
  )) as { id: unknown }[];
  return rows.map((r) => Number(r.id));
}

/** Of these (locked) clients, those still CLOSED for retention: the listing's judgement, again. */
export async function stillClosedBefore(
  db: Queryable,
  cutoff: Date,
  ids: readonly number[],
): Promise<{ id: number; version: number }[]> {
  if (ids.length === 0) return [];
  const c = closedBefore(cutoff);
  const rows = (await db.query(
    `SELECT c.\`id\`, c.\`version\` FROM \`client\` c WHERE ${c.sql} AND c.\`id\` IN (${placeholders(ids.length)}) ORDER BY c.\`id\``,
    [...c.params, ...ids],
  )) as { id: unknown; version: unknown }[];
  return rows.map((r) => ({ id: Number(r.id), version: Number(r.version) }));
}

/**
 * Replaces a locked client's personal fields by the (sealed) marker and removes its blind indexes, at
 * the version it was read: the ID number's index, which is NOT NULL and unique, takes a marker of its
 * own that no HMAC can equal; the phone and its index are emptied; the free-text comments of its
 * satisfaction answers (which may name anyone) are removed, their scores kept. Figures stay.
 */
export async function deidentifyClientRow(
  manager: EntityManager,
  client: { id: number; version: number },
  values: { name: string; idNumber: string; at: Date },
): Promise<void> {
  await manager.query(
    "UPDATE `client` SET `name` = ?, `idNumber` = ?, `idNumberBlindIndex` = ?, `phone` = NULL, `phoneBlindIndex` = NULL, `updatedAt` = ?, `version` = ? WHERE `id` = ? AND `version` = ?",
    [
      values.name,
      values.idNumber,
      `${DEIDENTIFIED_INDEX_PREFIX}${client.id}`,
      sqlInstant(values.at),
      client.version + 1,
      client.id,
      client.version,
    ],
  );
  await manager.query(
    "UPDATE `satisfaction_response` SET `comment` = NULL WHERE `clientId` = ? AND `comment` IS NOT NULL",
    [client.id],
  );
}
