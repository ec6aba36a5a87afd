import "reflect-metadata";
import { Presets, SingleBar } from "cli-progress";
import { loadConfig } from "../config";
import { useKeyRing } from "../crypto/personal-data";
import { openDataSource } from "../db/data-source";
import { systemClock, today } from "../domain/clock";
import { isCalendarDate } from "../domain/dates";
import { seedDemoBook } from "./demo-book";

/** npm run seed -- --clients N [--seed S] [--as-of YYYY-MM-DD] */
async function run(): Promise<void> {
  const args = process.argv.slice(2);
  let clients = 2000;
  let seed = 42;
  let asOf = today(systemClock);
  const usage = "usage: npm run seed -- --clients N (1-1000000) [--seed S] [--as-of YYYY-MM-DD]";
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === "--clients" && /^\d+$/.test(value ?? "") && Number(value) >= 1 && Number(value) <= 1_000_000)
      clients = Number(value);
    else if (flag === "--seed" && /^\d+$/.test(value ?? "") && Number(value) < 2 ** 32) seed = Number(value);
    else if (flag === "--as-of" && value !== undefined && isCalendarDate(value)) asOf = value;
    else {
      console.error(usage);
      process.exit(2);
    }
  }
  const config = loadConfig();
  useKeyRing(config.keyRing);
  const ds = await openDataSource({ url: config.databaseUrl });
  try {
    await ds.runMigrations({ transaction: "each" });
    const bar = new SingleBar(
      { format: "seeding |{bar}| {value}/{total} clients | {rate} clients/s | eta {eta}s", stream: process.stderr },
      Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(clients, 0, { rate: "-" });
    const summary = await seedDemoBook(ds, {
      clients,
      seed,
      asOf,
      onProgress: (done) =>
        bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) }),
    });
    bar.stop();
    const seconds = summary.ms / 1000;
    console.log(
      `seeded ${clients} clients as of ${asOf} (seed ${seed}) in ${seconds.toFixed(1)} s (${Math.round(clients / Math.max(seconds, 0.001))} clients/s)`,
    );
    for (const [table, n] of Object.entries(summary.rows)) console.log(`  ${table.padEnd(21)} ${n}`);
    console.log("phases (s, rows):");
    for (const p of summary.phases)
      console.log(`  ${p.phase.padEnd(32)} ${(p.ms / 1000).toFixed(1).padStart(6)} ${p.rows > 0 ? p.rows : ""}`);
  } finally {
    await ds.destroy();
  }
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
