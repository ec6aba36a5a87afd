import type { EntityManager } from "typeorm";
import { insertRows, sqlInstant } from "../db/sql";

/** One client's part of one response, as stored. */
export interface NewAccessRow {
  clientId: number;
  subject: string;
  fields: string;
  requestId: string;
  at: Date;
}

/** Rows per INSERT: a request serves at most this many clients in one statement (5 parameters each). */
export const ACCESS_ROWS_PER_STATEMENT = 2000;

/**
 * Appends access records with one multi-row INSERT (SPEC §14: one statement per request, not per
 * field or per client), on the manager given: the request's own transaction when it has one.
 */
export async function appendAccessRows(manager: EntityManager, rows: readonly NewAccessRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(
    (sql, params) => manager.query(sql, params),
    "personal_data_access",
    ["clientId", "subject", "fields", "requestId", "at"],
    rows.map((r) => [r.clientId, r.subject, r.fields, r.requestId, sqlInstant(r.at)]),
    ACCESS_ROWS_PER_STATEMENT,
  );
}
