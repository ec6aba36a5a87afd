import type { MigrationInterface, QueryRunner } from "typeorm";
import Decimal from "decimal.js";
import { keyRing } from "../crypto/personal-data";
import { isSealed } from "../crypto/sealing";
import { incomeBand } from "../services/profile/scorecard";

/**
 * SPEC §14: personal data sealed at rest. The client's name, ID number, phone, declared income and
 * financial assets, and the portrait's copies of the declarations, become sealed text columns
 * (AES-256-GCM, crypto/sealing.ts); the clear unique index on the ID number and the name and phone
 * indexes give way to keyed blind indexes (`idNumberBlindIndex` unique, `phoneBlindIndex`).
 *
 * An installation upgraded from the clear schema is encrypted in place, in batches of 500 clients,
 * each batch its own short transaction, under the process's key ring (DATA_KEYS, BLIND_INDEX_KEY).
 * A client not yet sealed carries the placeholder `pending:<id>` as its blind index (unique, so the
 * unique index exists from the start); a run stopped part-way resumes on the next start: the schema
 * steps are skipped when done, sealed rows are recognised and skipped, and only pending rows are read.
 * Hence no enclosing transaction (`transaction = false`).
 */
export class PersonalDataSealed1796700000000 implements MigrationInterface {
  name = "PersonalDataSealed1796700000000";
  transaction = false as const;

  static readonly BATCH = 500;

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = engine(queryRunner) === "mysql";
    if (!(await queryRunner.hasColumn("client", "idNumberBlindIndex"))) {
      if (mysql) await schemaMysql(queryRunner);
      else await schemaSqlite(queryRunner);
    }
    if (mysql) await finishMysql(queryRunner);
    await sealClients(queryRunner);
    await sealPortraits(queryRunner);
    await sealComments(queryRunner);
  }

  /** Back to the clear schema: every value opened under the configured keys (a development tool). */
  async down(queryRunner: QueryRunner): Promise<void> {
    const mysql = engine(queryRunner) === "mysql";
    await openAll(queryRunner);
    if (mysql) {
      for (const sql of [
        "DROP INDEX `UQ_client_idNumberBlindIndex` ON `client`",
        "DROP INDEX `IDX_client_phoneBlindIndex` ON `client`",
        "ALTER TABLE `client` DROP COLUMN `idNumberBlindIndex`, DROP COLUMN `phoneBlindIndex`, " +
          "MODIFY `name` varchar(100) NOT NULL, MODIFY `idNumber` varchar(18) NOT NULL, MODIFY `phone` varchar(20) NULL, " +
          "MODIFY `annualIncome` decimal(20,2) NULL, MODIFY `financialAssets` decimal(20,2) NULL",
        "ALTER TABLE `portrait` MODIFY `financialAssets` decimal(20,2) NULL, MODIFY `annualIncome` decimal(20,2) NULL",
        "CREATE INDEX `IDX_client_name` ON `client` (`name`)",
        "CREATE INDEX `IDX_client_phone` ON `client` (`phone`)",
        "CREATE UNIQUE INDEX `UQ_client_idNumber` ON `client` (`idNumber`)",
      ]) {
        await queryRunner.query(sql);
      }
      return;
    }
    for (const sql of [
      'DROP INDEX "UQ_client_idNumberBlindIndex"',
      'DROP INDEX "IDX_client_phoneBlindIndex"',
      'DROP INDEX "IDX_client_openedAt"',
      'DROP INDEX "UQ_client_clientNo"',
      'DROP INDEX "IDX_client_branch_clientNo"',
      'DROP INDEX "IDX_client_latestPortraitId"',
      `CREATE TABLE "temporary_client" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "clientNo" varchar(32) NOT NULL, "type" varchar CHECK( "type" IN ('INDIVIDUAL','INSTITUTION') ) NOT NULL, "status" varchar CHECK( "status" IN ('ACTIVE','RESTRICTED','CLOSED') ) NOT NULL DEFAULT ('ACTIVE'), "investorCategory" varchar CHECK( "investorCategory" IN ('ORDINARY','PROFESSIONAL') ) NOT NULL DEFAULT ('ORDINARY'), "name" varchar(100) NOT NULL, "idNumber" varchar(18) NOT NULL, "phone" varchar(20), "branch" varchar(32) NOT NULL, "tradingSince" date, "openedAt" date NOT NULL, "annualIncome" decimal(20,2), "financialAssets" decimal(20,2), "latestPortraitId" integer, "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "version" integer NOT NULL DEFAULT (1))`,
      `INSERT INTO "temporary_client"(${CLIENT_COLUMNS}) SELECT ${CLIENT_COLUMNS} FROM "client"`,
      'DROP TABLE "client"',
      'ALTER TABLE "temporary_client" RENAME TO "client"',
      'CREATE INDEX "IDX_client_openedAt" ON "client" ("openedAt", "id") ',
      'CREATE UNIQUE INDEX "UQ_client_clientNo" ON "client" ("clientNo") ',
      'CREATE INDEX "IDX_client_branch_clientNo" ON "client" ("branch", "clientNo") ',
      'CREATE INDEX "IDX_client_latestPortraitId" ON "client" ("latestPortraitId") ',
      'CREATE INDEX "IDX_client_name" ON "client" ("name") ',
      'CREATE INDEX "IDX_client_phone" ON "client" ("phone") ',
      'CREATE UNIQUE INDEX "UQ_client_idNumber" ON "client" ("idNumber") ',
      'DROP INDEX "IDX_portrait_client_asOf"',
      'DROP INDEX "IDX_portrait_avgDailyAssets"',
      `CREATE TABLE "temporary_portrait" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "clientId" integer NOT NULL, "asOf" date NOT NULL, "computedAt" datetime(3) NOT NULL, "riskLevel" varchar CHECK( "riskLevel" IN ('C1','C2','C3','C4','C5') ), "horizon" varchar CHECK( "horizon" IN ('SHORT','MEDIUM','LONG') ), "lowestCategory" boolean NOT NULL DEFAULT (0), "avgDailyAssets20d" decimal(20,2) NOT NULL, "assetDays" integer NOT NULL, "totalAssets" decimal(20,2) NOT NULL, "financialAssets" decimal(20,2), "annualIncome" decimal(20,2), "experienceMonths" integer NOT NULL, "annualTurnover" decimal(20,2) NOT NULL, "marginCallsLast12m" integer NOT NULL, "defaultsCount" integer NOT NULL, "creditScore" integer NOT NULL, "creditRating" varchar CHECK( "creditRating" IN ('AAA','AA','A','BBB','BB','B','C') ) NOT NULL, "creditFactors" text NOT NULL, "professionalEligible" boolean NOT NULL, CONSTRAINT "FK_0e26946a4f43115e255ec906372" FOREIGN KEY ("clientId") REFERENCES "client" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
      `INSERT INTO "temporary_portrait"(${PORTRAIT_COLUMNS}) SELECT ${PORTRAIT_COLUMNS} FROM "portrait"`,
      'DROP TABLE "portrait"',
      'ALTER TABLE "temporary_portrait" RENAME TO "portrait"',
      'CREATE INDEX "IDX_portrait_client_asOf" ON "portrait" ("clientId", "asOf", "computedAt", "id") ',
      'CREATE INDEX "IDX_portrait_avgDailyAssets" ON "portrait" ("avgDailyAssets20d") ',
    ]) {
      await queryRunner.query(sql);
    }
  }
}

async function dropIndexIfPresent(queryRunner: QueryRunner, table: string, index: string): Promise<void> {
  const rows = (await queryRunner.query(
    "SELECT COUNT(*) AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?",
    [table, index],
  )) as { n: unknown }[];
  if (Number(rows[0].n) > 0) await queryRunner.query(`DROP INDEX \`${index}\` ON \`${table}\``);
}

async function schemaMysql(queryRunner: QueryRunner): Promise<void> {
  for (const index of ["UQ_client_idNumber", "IDX_client_name", "IDX_client_phone"]) {
    await dropIndexIfPresent(queryRunner, "client", index);
  }
  // One statement: MariaDB applies it whole or not at all. Decimals become their decimal text.
  await queryRunner.query(
    "ALTER TABLE `client` ADD `idNumberBlindIndex` varchar(64) NULL, ADD `phoneBlindIndex` varchar(64) NULL, " +
      "MODIFY `name` varchar(640) NOT NULL, MODIFY `idNumber` varchar(128) NOT NULL, MODIFY `phone` varchar(128) NULL, " +
      "MODIFY `annualIncome` varchar(128) NULL, MODIFY `financialAssets` varchar(128) NULL",
  );
}

/** The steps after the column change, each one safe to run again. */
async function finishMysql(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(
    "UPDATE `client` SET `idNumberBlindIndex` = CONCAT('pending:', `id`) WHERE `idNumberBlindIndex` IS NULL",
  );
  await queryRunner.query("ALTER TABLE `client` MODIFY `idNumberBlindIndex` varchar(64) NOT NULL");
  const indexes = (await queryRunner.query(
    "SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'client'",
  )) as { name: string }[];
  const has = new Set(indexes.map((r) => r.name));
  if (!has.has("UQ_client_idNumberBlindIndex")) {
    await queryRunner.query("CREATE UNIQUE INDEX `UQ_client_idNumberBlindIndex` ON `client` (`idNumberBlindIndex`)");
  }
  if (!has.has("IDX_client_phoneBlindIndex")) {
    await queryRunner.query("CREATE INDEX `IDX_client_phoneBlindIndex` ON `client` (`phoneBlindIndex`)");
  }
  await queryRunner.query(
    "ALTER TABLE `portrait` MODIFY `financialAssets` varchar(128) NULL, MODIFY `annualIncome` varchar(128) NULL",
  );
}

const CLIENT_COLUMNS =
  '"id", "clientNo", "type", "status", "investorCategory", "name", "idNumber", "phone", "branch", "tradingSince", "openedAt", "annualIncome", "financialAssets", "latestPortraitId", "createdAt", "updatedAt", "version"';
const PORTRAIT_COLUMNS =
  '"id", "clientId", "asOf", "computedAt", "riskLevel", "horizon", "lowestCategory", "avgDailyAssets20d", "assetDays", "totalAssets", "financialAssets", "annualIncome", "experienceMonths", "annualTurnover", "marginCallsLast12m", "defaultsCount", "creditScore", "creditRating", "creditFactors", "professionalEligible"';

/** SQLite changes a declared type by rebuilding the table; one transaction (SQLite's DDL is transactional). */
async function schemaSqlite(queryRunner: QueryRunner): Promise<void> {
  // Outside a transaction, where SQLite honours it: the portrait's foreign key must not fire while
  // the client table is rebuilt (TypeORM does this itself only for migrations it wraps in a transaction).
  await queryRunner.query("PRAGMA foreign_keys = OFF");
  await queryRunner.startTransaction();
  try {
    for (const sql of [
      'DROP INDEX IF EXISTS "IDX_client_name"',
      'DROP INDEX IF EXISTS "IDX_client_phone"',
      'DROP INDEX IF EXISTS "UQ_client_idNumber"',
      'DROP INDEX IF EXISTS "IDX_client_openedAt"',
      'DROP INDEX IF EXISTS "UQ_client_clientNo"',
      'DROP INDEX IF EXISTS "IDX_client_branch_clientNo"',
      'DROP INDEX IF EXISTS "IDX_client_latestPortraitId"',
      `CREATE TABLE "temporary_client" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "clientNo" varchar(32) NOT NULL, "type" varchar CHECK( "type" IN ('INDIVIDUAL','INSTITUTION') ) NOT NULL, "status" varchar CHECK( "status" IN ('ACTIVE','RESTRICTED','CLOSED') ) NOT NULL DEFAULT ('ACTIVE'), "investorCategory" varchar CHECK( "investorCategory" IN ('ORDINARY','PROFESSIONAL') ) NOT NULL DEFAULT ('ORDINARY'), "name" varchar(640) NOT NULL, "idNumber" varchar(128) NOT NULL, "phone" varchar(128), "branch" varchar(32) NOT NULL, "tradingSince" date, "openedAt" date NOT NULL, "annualIncome" varchar(128), "financialAssets" varchar(128), "latestPortraitId" integer, "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "version" integer NOT NULL DEFAULT (1), "idNumberBlindIndex" varchar(64) NOT NULL, "phoneBlindIndex" varchar(64))`,
      `INSERT INTO "temporary_client"(${CLIENT_COLUMNS}, "idNumberBlindIndex") SELECT ${CLIENT_COLUMNS}, 'pending:' || "id" FROM "client"`,
      'DROP TABLE "client"',
      'ALTER TABLE "temporary_client" RENAME TO "client"',
      'CREATE INDEX "IDX_client_openedAt" ON "client" ("openedAt", "id") ',
      'CREATE UNIQUE INDEX "UQ_client_clientNo" ON "client" ("clientNo") ',
      'CREATE INDEX "IDX_client_branch_clientNo" ON "client" ("branch", "clientNo") ',
      'CREATE INDEX "IDX_client_latestPortraitId" ON "client" ("latestPortraitId") ',
      'CREATE INDEX "IDX_client_phoneBlindIndex" ON "client" ("phoneBlindIndex") ',
      'CREATE UNIQUE INDEX "UQ_client_idNumberBlindIndex" ON "client" ("idNumberBlindIndex") ',
      'DROP INDEX IF EXISTS "IDX_portrait_client_asOf"',
      'DROP INDEX IF EXISTS "IDX_portrait_avgDailyAssets"',
      `CREATE TABLE "temporary_portrait" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "clientId" integer NOT NULL, "asOf" date NOT NULL, "computedAt" datetime(3) NOT NULL, "riskLevel" varchar CHECK( "riskLevel" IN ('C1','C2','C3','C4','C5') ), "horizon" varchar CHECK( "horizon" IN ('SHORT','MEDIUM','LONG') ), "lowestCategory" boolean NOT NULL DEFAULT (0), "avgDailyAssets20d" decimal(20,2) NOT NULL, "assetDays" integer NOT NULL, "totalAssets" decimal(20,2) NOT NULL, "financialAssets" varchar(128), "annualIncome" varchar(128), "experienceMonths" integer NOT NULL, "annualTurnover" decimal(20,2) NOT NULL, "marginCallsLast12m" integer NOT NULL, "defaultsCount" integer NOT NULL, "creditScore" integer NOT NULL, "creditRating" varchar CHECK( "creditRating" IN ('AAA','AA','A','BBB','BB','B','C') ) NOT NULL, "creditFactors" text NOT NULL, "professionalEligible" boolean NOT NULL, CONSTRAINT "FK_0e26946a4f43115e255ec906372" FOREIGN KEY ("clientId") REFERENCES "client" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
      `INSERT INTO "temporary_portrait"(${PORTRAIT_COLUMNS}) SELECT ${PORTRAIT_COLUMNS} FROM "portrait"`,
      'DROP TABLE "portrait"',
      'ALTER TABLE "temporary_portrait" RENAME TO "portrait"',
      'CREATE INDEX "IDX_portrait_client_asOf" ON "portrait" ("clientId", "asOf", "computedAt", "id") ',
      'CREATE INDEX "IDX_portrait_avgDailyAssets" ON "portrait" ("avgDailyAssets20d") ',
    ]) {
      await queryRunner.query(sql);
    }
    await queryRunner.commitTransaction();
  } catch (err) {
    await queryRunner.rollbackTransaction();
    throw err;
  } finally {
    await queryRunner.query("PRAGMA foreign_keys = ON");
  }
}

type Row = Record<string, unknown>;

/** A stored personal value sealed: as it is when already sealed, else sealed now. */
function sealedText(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const text = String(raw);
  return isSealed(text) ? text : keyRing().seal(text);
}

function sealedMoney(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const text = String(raw);
  return isSealed(text) ? text : keyRing().seal(new Decimal(text).toFixed(2));
}

function clearOf(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const text = String(raw);
  return isSealed(text) ? keyRing().open(text) : text;
}

async function inBatch(queryRunner: QueryRunner, work: () => Promise<void>): Promise<void> {
  await queryRunner.startTransaction();
  try {
    await work();
    await queryRunner.commitTransaction();
  } catch (err) {
    await queryRunner.rollbackTransaction();
    throw err;
  }
}

/** Clients still carrying the `pending:` placeholder, 500 at a time, each batch committed on its own. */
async function sealClients(queryRunner: QueryRunner): Promise<void> {
  const ring = keyRing();
  let after = 0;
  for (;;) {
    const rows = (await queryRunner.query(
      "SELECT `id`, `name`, `idNumber`, `phone`, `annualIncome`, `financialAssets` FROM `client` " +
        "WHERE `idNumberBlindIndex` LIKE 'pending:%' AND `id` > ? ORDER BY `id` LIMIT ?",
      [after, PersonalDataSealed1796700000000.BATCH],
    )) as Row[];
    if (rows.length === 0) return;
    await inBatch(queryRunner, async () => {
      for (const r of rows) {
        const idNumber = clearOf(r.idNumber)!;
        const phone = clearOf(r.phone);
        await queryRunner.query(
          "UPDATE `client` SET `name` = ?, `idNumber` = ?, `idNumberBlindIndex` = ?, `phone` = ?, `phoneBlindIndex` = ?, " +
            "`annualIncome` = ?, `financialAssets` = ? WHERE `id` = ?",
          [
            sealedText(r.name),
            sealedText(r.idNumber),
            ring.blindIndex("idNumber", idNumber),
            sealedText(r.phone),
            phone === null ? null : ring.blindIndex("phone", phone),
            sealedMoney(r.annualIncome),
            sealedMoney(r.financialAssets),
            Number(r.id),
          ],
        );
      }
    });
    after = Number(rows[rows.length - 1].id);
  }
}

/**
 * Every portrait, 500 at a time: its copies of the declarations sealed where still clear (a clear
 * decimal holds no colon; a sealed value does), and the income factor of its stored scorecard shown as
 * the band it scored in instead of the amount (scorecard.ts incomeBand). Idempotent, so resumable.
 */
async function sealPortraits(queryRunner: QueryRunner): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = (await queryRunner.query(
      "SELECT `id`, `financialAssets`, `annualIncome`, `creditFactors` FROM `portrait` WHERE `id` > ? ORDER BY `id` LIMIT ?",
      [after, PersonalDataSealed1796700000000.BATCH],
    )) as Row[];
    if (rows.length === 0) return;
    await inBatch(queryRunner, async () => {
      for (const r of rows) {
        const factors = scrubbedFactors(r.creditFactors);
        const clear = [r.financialAssets, r.annualIncome].some((v) => v !== null && !isSealed(String(v)));
        if (!clear && factors === null) continue;
        await queryRunner.query(
          "UPDATE `portrait` SET `financialAssets` = ?, `annualIncome` = ?, `creditFactors` = COALESCE(?, `creditFactors`) WHERE `id` = ?",
          [sealedMoney(r.financialAssets), sealedMoney(r.annualIncome), factors, Number(r.id)],
        );
      }
    });
    after = Number(rows[rows.length - 1].id);
  }
}

/** The stored factors with the income's amount replaced by its band; null when there is nothing to replace. */
function scrubbedFactors(raw: unknown): string | null {
  const factors = JSON.parse(String(raw)) as { name: string; value: string; points: number }[];
  let changed = false;
  for (const f of factors) {
    if (f.name === "annualIncome" && /^-?\d+(\.\d+)?$/.test(f.value)) {
      f.value = incomeBand(new Decimal(f.value));
      changed = true;
    }
  }
  return changed ? JSON.stringify(factors) : null;
}

/** Satisfaction comments (SPEC §13, the client's own words) still clear, 500 at a time. */
async function sealComments(queryRunner: QueryRunner): Promise<void> {
  if (!(await queryRunner.hasTable("satisfaction_response"))) return;
  let after = 0;
  for (;;) {
    const rows = (await queryRunner.query(
      "SELECT `id`, `comment` FROM `satisfaction_response` WHERE `id` > ? AND `comment` IS NOT NULL ORDER BY `id` LIMIT ?",
      [after, PersonalDataSealed1796700000000.BATCH],
    )) as Row[];
    if (rows.length === 0) return;
    await inBatch(queryRunner, async () => {
      for (const r of rows) {
        if (isSealed(String(r.comment))) continue;
        await queryRunner.query("UPDATE `satisfaction_response` SET `comment` = ? WHERE `id` = ?", [
          sealedText(r.comment),
          Number(r.id),
        ]);
      }
    });
    after = Number(rows[rows.length - 1].id);
  }
}

/** down: every sealed value opened in place (the clear schema's columns then take them as they are). */
async function openAll(queryRunner: QueryRunner): Promise<void> {
  const clients = (await queryRunner.query(
    "SELECT `id`, `name`, `idNumber`, `phone`, `annualIncome`, `financialAssets` FROM `client`",
  )) as Row[];
  for (const r of clients) {
    await queryRunner.query(
      "UPDATE `client` SET `name` = ?, `idNumber` = ?, `phone` = ?, `annualIncome` = ?, `financialAssets` = ? WHERE `id` = ?",
      [
        clearOf(r.name),
        clearOf(r.idNumber),
        clearOf(r.phone),
        clearOf(r.annualIncome),
        clearOf(r.financialAssets),
        r.id,
      ],
    );
  }
  if (await queryRunner.hasTable("satisfaction_response")) {
    const comments = (await queryRunner.query(
      "SELECT `id`, `comment` FROM `satisfaction_response` WHERE `comment` IS NOT NULL",
    )) as Row[];
    for (const r of comments) {
      await queryRunner.query("UPDATE `satisfaction_response` SET `comment` = ? WHERE `id` = ?", [
        clearOf(r.comment),
        r.id,
      ]);
    }
  }
  const portraits = (await queryRunner.query(
    "SELECT `id`, `financialAssets`, `annualIncome` FROM `portrait`",
  )) as Row[];
  for (const r of portraits) {
    await queryRunner.query("UPDATE `portrait` SET `financialAssets` = ?, `annualIncome` = ? WHERE `id` = ?", [
      clearOf(r.financialAssets),
      clearOf(r.annualIncome),
      r.id,
    ]);
  }
}

function engine(queryRunner: QueryRunner): "mysql" | "sqlite" {
  const type = queryRunner.connection.options.type;
  return type === "mysql" || type === "mariadb" ? "mysql" : "sqlite";
}
