import { PersonalDataAccessEntity } from "../entities/personal-data-access.entity";
import { BadInputError } from "../errors";
import { checkFirst, decodeCursor, encodeCursor, type Page } from "../domain/paging";
import { countOf, Where, type PageArgs } from "./paging.reads";
import type { ReadPool } from "./read-pool";

const ORDER = "personalDataAccess";

/** A client's access trail, latest first (by id, which grows with every insert), keyset-paged (SPEC §14). */
export async function listAccessOfClient(
  db: ReadPool,
  clientId: number,
  args: PageArgs,
): Promise<Page<PersonalDataAccessEntity>> {
  const first = checkFirst(args.first);
  const afterKey = decodeCursor(ORDER, args.after, 1);
  const where = new Where().add("a.`clientId` = ?", clientId);
  const total = countOf(db, `SELECT COUNT(*) AS n FROM \`personal_data_access\` a ${where.sql()}`, where.params);
  if (afterKey !== null) {
    if (typeof afterKey[0] !== "number") throw new BadInputError("after is not a valid cursor for this list", "after");
    where.add("a.`id` < ?", afterKey[0]);
  }
  const rows = await db.rows(
    PersonalDataAccessEntity,
    `SELECT a.* FROM \`personal_data_access\` a ${where.sql()} ORDER BY a.\`id\` DESC LIMIT ?`,
    [...where.params, first + 1],
  );
  return {
    rows: rows.slice(0, first),
    hasNextPage: rows.length > first,
    hasPreviousPage: afterKey !== null,
    cursorOf: (r) => encodeCursor(ORDER, [r.id]),
    total,
  };
}

/** Every access record of a client, latest first (the client's copy, SPEC §14). */
export function allAccessOfClient(db: ReadPool, clientId: number): Promise<PersonalDataAccessEntity[]> {
  return db.rows(
    PersonalDataAccessEntity,
    "SELECT * FROM `personal_data_access` WHERE `clientId` = ? ORDER BY `id` DESC",
    [clientId],
  );
}
