import "reflect-metadata";
import { SingleBar, Presets } from "cli-progress";
import { loadConfig } from "../config";
import { useKeyRing } from "../crypto/personal-data";
import { openDataSource } from "../db/data-source";
import { systemClock, today } from "../domain/clock";
import { isCalendarDate } from "../schema/scalars";
import { refreshAllPortraits } from "../services/profile/portrait-refresh";

/** npm run refresh-portraits -- [--as-of YYYY-MM-DD] [--batch N] */
async function run(): Promise<void> {
  const args = process.argv.slice(2);
  let asOf = today(systemClock);
  let batchSize = 1000;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === "--as-of" && value !== undefined && isCalendarDate(value)) asOf = value;
    else if (
      flag === "--batch" &&
      value !== undefined &&
      /^\d+$/.test(value) &&
      Number(value) >= 1 &&
      Number(value) <= 5000
    )
      batchSize = Number(value);
    else {
      console.error("usage: npm run refresh-portraits -- [--as-of YYYY-MM-DD] [--batch 1-5000]");
      process.exit(2);
    }
  }
  if (asOf > today(systemClock)) {
    console.error("--as-of must not be in the future");
    process.exit(2);
  }
  const config = loadConfig();
  useKeyRing(config.keyRing);
  const ds = await openDataSource({ url: config.databaseUrl });
  try {
    await ds.runMigrations({ transaction: "each" });
    const bar = new SingleBar(
      { format: "portraits |{bar}| {value}/{total} clients | {rate} clients/s | eta {eta}s", stream: process.stderr },
      Presets.shades_classic,
    );
    const started = Date.now();
    let barStarted = false;
    const result = await refreshAllPortraits(ds, {
      asOf,
      actor: "cli:refresh-portraits",
      now: systemClock.now(),
      batchSize,
      onProgress: (done, total) => {
        if (!barStarted) {
          bar.start(total, 0, { rate: "-" });
          barStarted = true;
        }
        bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
    });
    if (barStarted) bar.stop();
    const seconds = result.ms / 1000;
    console.log(
      `refreshed ${result.clients} portraits as of ${asOf} in ${seconds.toFixed(1)} s ` +
        `(${Math.round(result.clients / Math.max(seconds, 0.001))} clients/s), ${result.downgrades} downgrades`,
    );
  } finally {
    await ds.destroy();
  }
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
