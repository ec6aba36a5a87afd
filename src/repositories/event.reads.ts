import { EventEntity } from "../entities";
import { BadInputError } from "../errors";
import { checkFirst, decodeCursor, encodeCursor, type Page } from "../domain/paging";
import { countOf, Where, type PageArgs } from "./paging.reads";
import type { ReadPool } from "./read-pool";

export interface EventListFilter {
  types?: readonly string[] | null;
  aggregateType?: string | null;
}

/** The outbox stream by sequence, keyset-paged (SPEC §12 `events(after)`). */
export async function listEvents(
  db: ReadPool,
  args: PageArgs,
  filter: EventListFilter | null | undefined,
): Promise<Page<EventEntity>> {
  const first = checkFirst(args.first);
  const afterKey = decodeCursor("event", args.after, 1);
  const where = new Where();
  const f = filter ?? {};
  where.inList("e.`type`", f.types);
  if (f.aggregateType) where.add("e.`aggregateType` = ?", f.aggregateType);
  const total = countOf(db, `SELECT COUNT(*) AS n FROM \`event\` e ${where.sql()}`, where.params);
  if (afterKey !== null) {
    if (typeof afterKey[0] !== "number") throw new BadInputError("after is not a valid cursor for this list", "after");
    where.add("e.`seq` > ?", afterKey[0]);
  }
  const rows = await db.rows(EventEntity, `SELECT e.* FROM \`event\` e ${where.sql()} ORDER BY e.\`seq\` LIMIT ?`, [
    ...where.params,
    first + 1,
  ]);
  return {
    rows: rows.slice(0, first),
    hasNextPage: rows.length > first,
    hasPreviousPage: afterKey !== null,
    cursorOf: (r) => encodeCursor("event", [r.seq]),
    total,
  };
}
