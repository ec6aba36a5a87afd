/**
 * MariaDB only, and only for the seed of an empty database: the secondary indexes of the big tables are
 * dropped before the bulk load and built again after it, each from one sorted pass over the table
 * instead of a B-tree insert per row. The definitions are read from the database itself, so a migration
 * that changes an index needs no change here; `restoreIndexes` runs whatever happens to the load, and a
 * UNIQUE index rebuilt checks the whole table at once.
 */

type Run = (sql: string, params: unknown[]) => Promise<unknown>;

export interface DeferredIndex {
  table: string;
  name: string;
  unique: boolean;
  /** Column definitions as written in ADD INDEX: `col`, `col`(prefix), `col` DESC. */
  columns: string[];
}

/** The tables whose rows the seed writes by the hundred thousand and whose secondary indexes it defers, smallest first. */
export const DEFERRED_INDEX_TABLES = ["risk_assessment", "portrait", "client", "trade", "segment_snapshot"];

/** The secondary B-tree indexes of these tables, as the database defines them now. */
export async function secondaryIndexes(run: Run, tables: readonly string[]): Promise<DeferredIndex[]> {
  const rows = (await run(
    `SELECT \`TABLE_NAME\` AS t, \`INDEX_NAME\` AS i, \`NON_UNIQUE\` AS nu, \`COLUMN_NAME\` AS c, \`SUB_PART\` AS sub, \`COLLATION\` AS coll
       FROM information_schema.\`STATISTICS\`
      WHERE \`TABLE_SCHEMA\` = DATABASE() AND \`INDEX_NAME\` <> 'PRIMARY' AND \`INDEX_TYPE\` = 'BTREE'
        AND \`TABLE_NAME\` IN (${tables.map(() => "?").join(", ")})
      ORDER BY \`TABLE_NAME\`, \`INDEX_NAME\`, \`SEQ_IN_INDEX\``,
    [...tables],
  )) as { t: string; i: string; nu: unknown; c: string; sub: unknown; coll: string | null }[];
  const byName = new Map<string, DeferredIndex>();
  for (const r of rows) {
    const key = `${r.t}.${r.i}`;
    let index = byName.get(key);
    if (index === undefined)
      byName.set(key, (index = { table: r.t, name: r.i, unique: Number(r.nu) === 0, columns: [] }));
    index.columns.push(`\`${r.c}\`${r.sub === null ? "" : `(${Number(r.sub)})`}${r.coll === "D" ? " DESC" : ""}`);
  }
  return [...byName.values()];
}

/** Drops the indexes, one ALTER TABLE per table. */
export async function dropIndexes(run: Run, indexes: readonly DeferredIndex[]): Promise<void> {
  for (const table of new Set(indexes.map((x) => x.table))) {
    const own = indexes.filter((x) => x.table === table);
    // An index that backs a foreign key can go only while FOREIGN_KEY_CHECKS = 0, which the seed sets.
    await run(`ALTER TABLE \`${table}\` ${own.map((x) => `DROP INDEX \`${x.name}\``).join(", ")}`, []);
  }
}

/**
 * Builds again those of the indexes that are missing (all, unless dropping stopped half-way), one ALTER
 * TABLE per table, the tables shared out among the connections given, the biggest first.
 */
export async function restoreIndexes(runs: readonly Run[], indexes: readonly DeferredIndex[]): Promise<void> {
  const [first] = runs;
  const present = new Set(
    (await secondaryIndexes(first, [...new Set(indexes.map((x) => x.table))])).map((x) => `${x.table}.${x.name}`),
  );
  const missing = indexes.filter((x) => !present.has(`${x.table}.${x.name}`));
  const queue = [...DEFERRED_INDEX_TABLES].reverse().filter((table) => missing.some((x) => x.table === table));
  await Promise.all(
    runs.map(async (run) => {
      for (let table = queue.shift(); table !== undefined; table = queue.shift()) {
        const own = missing.filter((x) => x.table === table);
        await run(
          `ALTER TABLE \`${table}\` ${own
            .map((x) => `ADD ${x.unique ? "UNIQUE " : ""}INDEX \`${x.name}\` (${x.columns.join(", ")})`)
            .join(", ")}`,
          [],
        );
      }
    }),
  );
}
