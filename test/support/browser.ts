import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * Debian's chromium for the browser tests (GraphiQL, the dashboard, a subscribed page): headless, no
 * sandbox (root in CI), no GPU, no background traffic. Under CI it must be there: a browser test never
 * skips itself into green (`.ci/run` installs it).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const haveChromium = fs.existsSync(CHROMIUM_PATH);
if (process.env.CI === "true" && !haveChromium) {
  throw new Error(`CI=true but chromium is not at ${CHROMIUM_PATH}: the browser tests must run in CI`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}
