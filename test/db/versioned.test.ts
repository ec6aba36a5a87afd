import Decimal from "decimal.js";
import { In } from "typeorm";
import { withSqlTally } from "../../src/db/sql-counter";
import { inTransaction } from "../../src/db/transaction";
import { updateVersioned, updateVersionedMany } from "../../src/db/versioned";
import { FacilityStatus, UserErrorCode } from "../../src/domain/enums";
import { CreditFacilityEntity } from "../../src/entities";
import { Refusal } from "../../src/errors";
import { buildFacility } from "../support/factories";
import { clientWith, plainProduct } from "../lifecycle/helpers";
import { ENGINES, type TestDatabase } from "../support/engines";

/**
 * SPEC §10 optimistic writes in bulk: updateVersionedMany writes what one updateVersioned per row would,
 * in one statement per 200 rows, and refuses the whole batch when any row was changed meanwhile.
 */
describe.each(ENGINES)("versioned updates of many rows on $name", (engine) => {
  let db: TestDatabase;
  let template: CreditFacilityEntity;

  beforeAll(async () => {
    db = await engine.create();
    const client = await clientWith(db.ds);
    template = await buildFacility(db.ds, client, await plainProduct(db.ds));
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  /** `n` facilities copied from the template, in one INSERT, read back as entities. */
  const facilities = async (n: number): Promise<CreditFacilityEntity[]> => {
    const rest: Partial<CreditFacilityEntity> = { ...template };
    delete rest.id;
    const result = await db.ds.manager.insert(
      CreditFacilityEntity,
      Array.from({ length: n }, () => ({ ...rest })),
    );
    const ids = result.identifiers.map((i) => Number(i.id));
    return db.ds.manager.find(CreditFacilityEntity, { where: { id: In(ids) }, order: { id: "ASC" } });
  };

  const read = (rows: CreditFacilityEntity[]) =>
    db.ds.manager.find(CreditFacilityEntity, { where: { id: In(rows.map((r) => r.id)) }, order: { id: "ASC" } });

  /** Row i's changes: every row moves its amounts, every third changes state, every fifth clears its ratio. */
  const changesFor = (i: number, now: Date): Partial<CreditFacilityEntity> => ({
    usedAmount: new Decimal(100_000 + i).div(100).plus("0.01"),
    collateralValue: new Decimal(250_000 + 7 * i),
    maintenanceRatio: i % 5 === 0 ? null : new Decimal("1.2345").plus(new Decimal(i).div(10_000)),
    valuationAsOf: "2026-11-27",
    updatedAt: now,
    ...(i % 3 === 0 ? { status: FacilityStatus.MARGIN_CALL, defaultedAt: now } : {}),
  });

  it("writes 450 rows in 3 statements, exactly what one versioned UPDATE per row writes", async () => {
    const now = new Date("2026-11-27T08:00:00.123Z");
    const many = await facilities(450);
    const single = await facilities(450);
    const tally = { statements: 0 };
    await withSqlTally(tally, () =>
      inTransaction(db.ds, (m) =>
        updateVersionedMany(
          m,
          CreditFacilityEntity,
          many.map((row, i) => ({ row, changes: changesFor(i, now) })),
        ),
      ),
    );
    // The transaction's own statements are counted too; the rows' writes are the 3 UPDATEs among them.
    const transactionOverhead = await (async () => {
      const t = { statements: 0 };
      await withSqlTally(t, () => inTransaction(db.ds, async () => undefined));
      return t.statements;
    })();
    expect(tally.statements - transactionOverhead).toBe(3);
    await inTransaction(db.ds, async (m) => {
      for (const [i, row] of single.entries()) {
        await updateVersioned(m, CreditFacilityEntity, row, row.version, changesFor(i, now));
      }
    });
    const strip = (rows: CreditFacilityEntity[]) => rows.map(({ id: _id, ...rest }) => rest);
    const [manyRows, singleRows] = [await read(many), await read(single)];
    expect(strip(manyRows)).toEqual(strip(singleRows));
    expect(manyRows.every((r) => r.version === template.version + 1)).toBe(true);
    expect(manyRows.filter((r) => r.status === FacilityStatus.MARGIN_CALL)).toHaveLength(150);
    expect(manyRows.filter((r) => r.maintenanceRatio === null)).toHaveLength(90);
    // The caller's rows are updated in place, as the database has them.
    expect(strip(many)).toEqual(strip(manyRows));
  });

  it("refuses the whole batch with CONFLICT when one row, in its last 200, was written meanwhile, and writes none", async () => {
    const rows = await facilities(450);
    const before = await read(rows);
    await db.ds.manager.update(CreditFacilityEntity, { id: rows[449].id }, { version: rows[449].version + 1 });
    const err = await inTransaction(db.ds, (m) =>
      updateVersionedMany(
        m,
        CreditFacilityEntity,
        rows.map((row, i) => ({ row, changes: changesFor(i, new Date("2026-11-27T09:00:00.000Z")) })),
      ),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Refusal);
    expect((err as Refusal).errors.map((e) => e.code)).toEqual([UserErrorCode.CONFLICT]);
    const after = await read(rows);
    // The first 400 rows' UPDATEs ran and were rolled back with the transaction.
    expect(after.slice(0, 449)).toEqual(before.slice(0, 449));
    expect(after[449].version).toBe(before[449].version + 1);
    expect(after[449].usedAmount.toFixed(2)).toBe(before[449].usedAmount.toFixed(2));
  });
});
