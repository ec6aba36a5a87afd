import "reflect-metadata";
import { loadConfig } from "../config";
import { useKeyRing } from "../crypto/personal-data";
import { openDataSource } from "../db/data-source";

/** Applies pending migrations to DATABASE_URL. */
async function run(): Promise<void> {
  const config = loadConfig();
  useKeyRing(config.keyRing);
  const ds = await openDataSource({ url: config.databaseUrl });
  try {
    const applied = await ds.runMigrations({ transaction: "each" });
    console.log(applied.length === 0 ? "schema is up to date" : `applied: ${applied.map((m) => m.name).join(", ")}`);
  } finally {
    await ds.destroy();
  }
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
