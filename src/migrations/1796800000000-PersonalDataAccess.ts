import type { MigrationInterface, QueryRunner } from "typeorm";

/** SPEC §14: the access trail, one row per client per response that carried its personal data in clear. */
export class PersonalDataAccess1796800000000 implements MigrationInterface {
  name = "PersonalDataAccess1796800000000";

  private static readonly up: Record<"mysql" | "sqlite", string[]> = {
    mysql: [
      "CREATE TABLE `personal_data_access` (`id` int NOT NULL AUTO_INCREMENT, `clientId` int NOT NULL, `subject` varchar(64) NOT NULL, `fields` varchar(128) NOT NULL, `requestId` varchar(64) NOT NULL, `at` datetime(3) NOT NULL, INDEX `IDX_personal_data_access_client` (`clientId`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    ],
    sqlite: [
      'CREATE TABLE "personal_data_access" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "clientId" integer NOT NULL, "subject" varchar(64) NOT NULL, "fields" varchar(128) NOT NULL, "requestId" varchar(64) NOT NULL, "at" datetime(3) NOT NULL)',
      'CREATE INDEX "IDX_personal_data_access_client" ON "personal_data_access" ("clientId", "id") ',
    ],
  };

  private static readonly down: Record<"mysql" | "sqlite", string[]> = {
    mysql: [
      "DROP INDEX `IDX_personal_data_access_client` ON `personal_data_access`",
      "DROP TABLE `personal_data_access`",
    ],
    sqlite: ['DROP INDEX "IDX_personal_data_access_client"', 'DROP TABLE "personal_data_access"'],
  };

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of PersonalDataAccess1796800000000.up[engine(queryRunner)]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of PersonalDataAccess1796800000000.down[engine(queryRunner)]) await queryRunner.query(sql);
  }
}

function engine(queryRunner: QueryRunner): "mysql" | "sqlite" {
  const type = queryRunner.connection.options.type;
  return type === "mysql" || type === "mariadb" ? "mysql" : "sqlite";
}
