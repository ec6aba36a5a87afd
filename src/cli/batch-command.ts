import { SingleBar, Presets } from "cli-progress";
import type { DataSource } from "typeorm";
import { loadConfig, type Config } from "../config";
import { useKeyRing } from "../crypto/personal-data";
import { openDataSource } from "../db/data-source";

/**
 * What the batch commands (refresh-portraits, rotate-keys, retention) share: their flags read strictly
 * (an unknown flag or a value out of range prints the usage and exits 2), the configuration and its data
 * keys, the database migrated and closed after, a progress bar on stderr, and one failure line with exit 1.
 */
export interface BatchCommand {
  config: Config;
  ds: DataSource;
  /** A progress callback drawing `label |bar| done/total clients | rate | eta`; `stop()` ends the bar. */
  progress(label: string): { onProgress(done: number, total: number): void; stop(): void };
}

/** `--batch N` (1–5000) and the command's own flags; anything else is a usage error. */
export function readFlags(
  usage: string,
  defaults: { batch: number },
  extra: Record<string, (value: string) => boolean> = {},
): { batch: number; values: Record<string, string> } {
  const args = process.argv.slice(2);
  let batch = defaults.batch;
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    const name = flag?.startsWith("--") ? flag.slice(2) : "";
    if (name === "batch" && /^\d+$/.test(value ?? "") && Number(value) >= 1 && Number(value) <= 5000) {
      batch = Number(value);
    } else if (value !== undefined && extra[name]?.(value)) {
      values[name] = value;
    } else {
      console.error(`usage: ${usage}`);
      process.exit(2);
    }
  }
  return { batch, values };
}

/** Runs `body` with the configuration and a migrated database; prints a failure and exits 1. */
export function runBatchCommand(body: (cmd: BatchCommand) => Promise<void>): void {
  (async () => {
    const config = loadConfig();
    useKeyRing(config.keyRing);
    const ds = await openDataSource({ url: config.databaseUrl });
    try {
      await ds.runMigrations({ transaction: "each" });
      await body({ config, ds, progress });
    } finally {
      await ds.destroy();
    }
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

function progress(label: string) {
  const bar = new SingleBar(
    { format: `${label} |{bar}| {value}/{total} clients | {rate} clients/s | eta {eta}s`, stream: process.stderr },
    Presets.shades_classic,
  );
  const started = Date.now();
  let barStarted = false;
  return {
    onProgress(done: number, total: number) {
      if (!barStarted) {
        bar.start(total, 0, { rate: "-" });
        barStarted = true;
      }
      bar.setTotal(total);
      bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
    },
    stop() {
      if (barStarted) bar.stop();
    },
  };
}
