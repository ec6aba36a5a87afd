import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { CreditFacilityEntity } from "../entities";
import { hydrate, placeholders } from "./sql";

/**
 * One client, one line of writes (SPEC §10). Every write that can change a client's open limits,
 * facility states, alerts or portrait locks the client row first, then its facilities. Clients are
 * always locked in ascending id order, before any facility, so two writers never wait on each other
 * in a circle over these rows. On SQLite transactions are serialised already and nothing is locked.
 */
export async function lockClients(manager: EntityManager, clientIds: readonly number[]): Promise<void> {
  if (manager.connection.options.type === "better-sqlite3") return;
  const ids = [...new Set(clientIds)].sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += 1000) {
    const part = ids.slice(i, i + 1000);
    await manager.query(
      `SELECT \`id\` FROM \`client\` WHERE \`id\` IN (${placeholders(part.length)}) ORDER BY \`id\` FOR UPDATE`,
      part,
    );
  }
}

/** The clients of these facilities (unlocked read: a facility never changes client). */
export async function clientsOfFacilities(
  manager: EntityManager,
  facilityIds: readonly number[],
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const ids = [...new Set(facilityIds)];
  for (let i = 0; i < ids.length; i += 1000) {
    const part = ids.slice(i, i + 1000);
    const rows = (await manager.query(
      `SELECT \`id\`, \`clientId\` FROM \`credit_facility\` WHERE \`id\` IN (${placeholders(part.length)})`,
      part,
    )) as { id: unknown; clientId: unknown }[];
    for (const r of rows) out.set(Number(r.id), Number(r.clientId));
  }
  return out;
}

/** Locks the clients of these facilities (ascending); facilities that do not exist are skipped. */
export async function lockClientsOfFacilities(manager: EntityManager, facilityIds: readonly number[]): Promise<void> {
  await lockClients(manager, [...(await clientsOfFacilities(manager, facilityIds)).values()]);
}

/** Loads one row for update: a row lock on MySQL (SQLite transactions are already serialised). */
export async function lockById<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  id: number | null,
): Promise<T | null> {
  if (id === null) return null;
  const table = manager.connection.getMetadata(target).tableName;
  const forUpdate = manager.connection.options.type === "better-sqlite3" ? "" : " FOR UPDATE";
  const rows = (await manager.query(`SELECT * FROM \`${table}\` WHERE \`id\` = ?${forUpdate}`, [
    id,
  ])) as ObjectLiteral[];
  return hydrate(manager.connection, target, rows)[0] ?? null;
}

/**
 * Locks a row that belongs to a client (facility, review, alert) the way every client write does
 * (SPEC §10): the client first, then the row, which is then read as last committed.
 */
export async function lockWithClient<T extends ObjectLiteral & { clientId: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  id: number | null,
): Promise<T | null> {
  if (id === null) return null;
  const table = manager.connection.getMetadata(target).tableName;
  const owner = (await manager.query(`SELECT \`clientId\` FROM \`${table}\` WHERE \`id\` = ?`, [id])) as {
    clientId: unknown;
  }[];
  if (owner.length === 0) return null;
  await lockClients(manager, [Number(owner[0].clientId)]);
  return lockById(manager, target, id);
}

/** Locks these facilities (after their clients, SPEC §10) and reads them as last committed, in id order. */
export async function lockFacilities(manager: EntityManager, ids: readonly number[]): Promise<CreditFacilityEntity[]> {
  if (ids.length === 0) return [];
  await lockClientsOfFacilities(manager, ids);
  const forUpdate = manager.connection.options.type === "better-sqlite3" ? "" : " FOR UPDATE";
  const rows = (await manager.query(
    `SELECT * FROM \`credit_facility\` WHERE \`id\` IN (${placeholders(ids.length)}) ORDER BY \`id\`${forUpdate}`,
    [...ids],
  )) as ObjectLiteral[];
  return hydrate(manager.connection, CreditFacilityEntity, rows);
}
