import "reflect-metadata";
import { SingleBar, Presets } from "cli-progress";
import { loadConfig } from "../config";
import { useKeyRing } from "../crypto/personal-data";
import { openDataSource } from "../db/data-source";
import { systemClock } from "../domain/clock";
import { deidentifyClosedClients } from "../services/privacy/retention";

/**
 * npm run retention -- [--batch N]
 * De-identifies the clients CLOSED for longer than RETENTION_YEARS (SPEC §14), as of now.
 */
async function run(): Promise<void> {
  const args = process.argv.slice(2);
  let batchSize = 500;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === "--batch" && value !== undefined && /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 5000)
      batchSize = Number(value);
    else {
      console.error("usage: npm run retention -- [--batch 1-5000]");
      process.exit(2);
    }
  }
  const config = loadConfig();
  useKeyRing(config.keyRing);
  const ds = await openDataSource({ url: config.databaseUrl });
  try {
    await ds.runMigrations({ transaction: "each" });
    const bar = new SingleBar(
      { format: "retention |{bar}| {value}/{total} clients | {rate} clients/s | eta {eta}s", stream: process.stderr },
      Presets.shades_classic,
    );
    const started = Date.now();
    let barStarted = false;
    const result = await deidentifyClosedClients(ds, {
      clock: systemClock,
      years: config.retentionYears,
      batchSize,
      actor: "cli:retention",
      onProgress: (done, total) => {
        if (!barStarted) {
          bar.start(total, 0, { rate: "-" });
          barStarted = true;
        }
        bar.setTotal(total);
        bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
    });
    if (barStarted) bar.stop();
    console.log(
      `de-identified ${result.deidentified} of ${result.due} clients closed on or before ` +
        `${result.cutoff.toISOString()} (RETENTION_YEARS=${config.retentionYears}) in ${(result.ms / 1000).toFixed(1)} s`,
    );
  } finally {
    await ds.destroy();
  }
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
