import "reflect-metadata";
import { systemClock, today } from "../domain/clock";
import { isCalendarDate } from "../schema/scalars";
import { refreshAllPortraits } from "../services/profile/portrait-refresh";
import { readFlags, runBatchCommand } from "./batch-command";

/** npm run refresh-portraits -- [--as-of YYYY-MM-DD] [--batch N] */
const usage = "npm run refresh-portraits -- [--as-of YYYY-MM-DD] [--batch 1-5000]";
const { batch, values } = readFlags(usage, { batch: 1000 }, { "as-of": isCalendarDate });
const asOf = values["as-of"] ?? today(systemClock);
if (asOf > today(systemClock)) {
  console.error("--as-of must not be in the future");
  process.exit(2);
}
runBatchCommand(async ({ ds, progress }) => {
  const bar = progress("portraits");
  const result = await refreshAllPortraits(ds, {
    asOf,
    actor: "cli:refresh-portraits",
    now: systemClock.now(),
    batchSize: batch,
    onProgress: bar.onProgress,
  });
  bar.stop();
  const seconds = result.ms / 1000;
  console.log(
    `refreshed ${result.clients} portraits as of ${asOf} in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.clients / Math.max(seconds, 0.001))} clients/s), ${result.downgrades} downgrades`,
  );
});
