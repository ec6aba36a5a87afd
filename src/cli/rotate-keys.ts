import "reflect-metadata";
import { Presets, SingleBar } from "cli-progress";
import { loadConfig } from "../config";
import { useKeyRing } from "../crypto/personal-data";
import { openDataSource } from "../db/data-source";
import { rotateKeys } from "../services/keys/rotation";

/**
 * npm run rotate-keys -- [--batch N]: re-seals every personal value under the first DATA_KEYS key
 * (SPEC §14), while the API serves. Put the new key first in DATA_KEYS (keeping the old ones) on every
 * instance, then run this; once it reports only the new version, the old key may be removed.
 */
async function run(): Promise<void> {
  const args = process.argv.slice(2);
  let batchSize = 200;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === "--batch" && /^\d+$/.test(value ?? "") && Number(value) >= 1 && Number(value) <= 5000) {
      batchSize = Number(value);
    } else {
      console.error("usage: npm run rotate-keys -- [--batch 1-5000]");
      process.exit(2);
    }
  }
  const config = loadConfig();
  useKeyRing(config.keyRing);
  const ds = await openDataSource({ url: config.databaseUrl });
  try {
    await ds.runMigrations({ transaction: "each" });
    const bar = new SingleBar(
      {
        format: `rotate-keys → ${config.keyRing.currentVersion} |{bar}| {value}/{total} clients | {rate} clients/s | eta {eta}s`,
        stream: process.stderr,
      },
      Presets.shades_classic,
    );
    const started = Date.now();
    let barStarted = false;
    const result = await rotateKeys(ds, config.keyRing, {
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
    console.log(
      `re-sealed ${result.resealed} values of ${result.clients} clients under key ${config.keyRing.currentVersion} ` +
        `in ${(result.ms / 1000).toFixed(1)} s; key versions in use: ${result.versionsAfter.join(", ") || "none"}`,
    );
  } finally {
    await ds.destroy();
  }
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
