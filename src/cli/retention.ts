import "reflect-metadata";
import { systemClock } from "../domain/clock";
import { deidentifyClosedClients } from "../services/privacy/retention";
import { readFlags, runBatchCommand } from "./batch-command";

/**
 * npm run retention -- [--batch N]
 * De-identifies the clients CLOSED for longer than RETENTION_YEARS (SPEC §14), as of now.
 */
const { batch } = readFlags("npm run retention -- [--batch 1-5000]", { batch: 500 });
runBatchCommand(async ({ config, ds, progress }) => {
  const bar = progress("retention");
  const result = await deidentifyClosedClients(ds, {
    clock: systemClock,
    years: config.retentionYears,
    batchSize: batch,
    actor: "cli:retention",
    onProgress: bar.onProgress,
  });
  bar.stop();
  console.log(
    `de-identified ${result.deidentified} of ${result.due} clients closed on or before ` +
      `${result.cutoff.toISOString()} (RETENTION_YEARS=${config.retentionYears}) in ${(result.ms / 1000).toFixed(1)} s`,
  );
});
