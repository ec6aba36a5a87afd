import type { ObjectLiteral } from "typeorm";
import { hydrate, unchangedByDriver } from "../../src/db/sql";
import { seedDemoBook } from "../../src/seed/demo-book";
import { ENGINES, type TestDatabase } from "../support/engines";

describe.each(ENGINES)("hydrating raw rows on $name", (engine) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await engine.create();
    await seedDemoBook(db.ds, { clients: 150, seed: 11, asOf: "2026-11-27" });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  it("gives every entity of the demo book exactly what the driver's own conversion of every column gives", async () => {
    let rowsCompared = 0;
    let copied = 0;
    for (const meta of db.ds.entityMetadatas) {
      const order = meta.primaryColumns.map((c) => `\`${c.databaseName}\``).join(", ");
      const raw = (await db.ds.query(
        `SELECT * FROM \`${meta.tableName}\` ORDER BY ${order} LIMIT 400`,
      )) as ObjectLiteral[];
      const reference = raw.map((row) => {
        const entity = meta.create() as Record<string, unknown>;
        for (const column of meta.columns) {
          if (row[column.databaseName] === undefined) continue;
          entity[column.propertyName] = db.ds.driver.prepareHydratedValue(row[column.databaseName], column);
        }
        return entity;
      });
      const fast = hydrate(db.ds, meta.target, raw);
      expect(fast).toEqual(reference);
      fast.forEach((e, i) => expect(Object.getPrototypeOf(e)).toBe(Object.getPrototypeOf(reference[i])));
      rowsCompared += raw.length;
      copied += meta.columns.filter(unchangedByDriver).length;
    }
    // The book has rows in every table, and the shortcut applies to a good share of the columns.
    expect(rowsCompared).toBeGreaterThan(1000);
    expect(copied).toBeGreaterThan(40);
  });

  it("leaves transformed, dated, boolean, JSON and generated-key columns to the driver", () => {
    const kinds = new Set<string>();
    for (const meta of db.ds.entityMetadatas) {
      for (const column of meta.columns) {
        if (!unchangedByDriver(column)) kinds.add(typeof column.type === "function" ? column.type.name : column.type);
      }
    }
    expect([...kinds].sort()).toEqual(
      ["Number", "boolean", "date", "datetime", "decimal", "json", "simple-json"].sort(),
    );
  });
});
