import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * SPEC §10 "one investor, one credit account": `idNumber` is unique among clients, held by a unique
 * index on both engines. Clients that already share an ID number are not merged here (which record
 * stands is a compliance decision): the migration stops, naming only how many numbers are shared.
 */
export class OneAccountPerInvestor1796000000000 implements MigrationInterface {
  name = "OneAccountPerInvestor1796000000000";

  private static readonly up: Record<"mysql" | "sqlite", string[]> = {
    mysql: ["CREATE UNIQUE INDEX `UQ_client_idNumber` ON `client` (`idNumber`)"],
    sqlite: ['CREATE UNIQUE INDEX "UQ_client_idNumber" ON "client" ("idNumber") '],
  };

  private static readonly down: Record<"mysql" | "sqlite", string[]> = {
    mysql: ["DROP INDEX `UQ_client_idNumber` ON `client`"],
    sqlite: ['DROP INDEX "UQ_client_idNumber"'],
  };

  async up(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(
      "SELECT COUNT(*) AS n FROM (SELECT `idNumber` FROM `client` GROUP BY `idNumber` HAVING COUNT(*) > 1) AS shared",
    )) as { n: unknown }[];
    const shared = Number(rows[0].n);
    if (shared > 0) {
      throw new Error(
        `${shared} ID number(s) are held by more than one client; one investor may hold one credit account ` +
          "(SPEC §10). Resolve them, then run the migrations again.",
      );
    }
    for (const sql of OneAccountPerInvestor1796000000000.up[engine(queryRunner)]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of OneAccountPerInvestor1796000000000.down[engine(queryRunner)]) await queryRunner.query(sql);
  }
}

function engine(queryRunner: QueryRunner): "mysql" | "sqlite" {
  const type = queryRunner.connection.options.type;
  return type === "mysql" || type === "mariadb" ? "mysql" : "sqlite";
}
