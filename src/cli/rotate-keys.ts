import "reflect-metadata";
import { rotateKeys } from "../services/keys/rotation";
import { readFlags, runBatchCommand } from "./batch-command";

/**
 * npm run rotate-keys -- [--batch N]: re-seals every personal value under the first DATA_KEYS key
 * (SPEC §14), while the API serves. Put the new key first in DATA_KEYS (keeping the old ones) on every
 * instance, then run this; once it reports only the new version, the old key may be removed.
 */
const { batch } = readFlags("npm run rotate-keys -- [--batch 1-5000]", { batch: 200 });
runBatchCommand(async ({ config, ds, progress }) => {
  const bar = progress(`rotate-keys → ${config.keyRing.currentVersion}`);
  const result = await rotateKeys(ds, config.keyRing, { batchSize: batch, onProgress: bar.onProgress });
  bar.stop();
  console.log(
    `re-sealed ${result.resealed} values of ${result.clients} clients under key ${config.keyRing.currentVersion} ` +
      `in ${(result.ms / 1000).toFixed(1)} s; key versions in use: ${result.versionsAfter.join(", ") || "none"}`,
  );
});
