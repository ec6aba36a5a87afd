import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDataSource } from "../../src/db/data-source";
import { DEV_DATA_KEYS } from "../../src/crypto/sealing";
import { runApiUntil } from "../support/api-process";
import { compiledBuild } from "../support/build";
import { buildClient } from "../support/factories";

/**
 * SPEC §14 at start: a value sealed under a key version DATA_KEYS does not configure stops the start
 * with an error naming the version, never a value; with that version configured again, it starts.
 */
const OTHER = `k9:${Buffer.alloc(32, 9).toString("base64")}`;
const BLIND = "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LWNoYW5nZS0=";

/** The built API with a port of its own choosing (SPEC §14 start checks). */
const run = (build: string, env: Record<string, string>, until: RegExp | null, ms = 30_000) =>
  runApiUntil(build, { PORT: "0", ...env }, until, ms);

describe("data keys at start (SPEC §14)", () => {
  let build: string;
  let dir: string;
  let url: string;
  let sealedName: string;

  beforeAll(async () => {
    build = compiledBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "margin-keys-"));
    url = `sqlite:${path.join(dir, "keys.sqlite")}`;
    const ds = createDataSource({ url });
    await ds.initialize();
    await ds.runMigrations({ transaction: "each" });
    await buildClient(ds, { name: "欧阳秘钥", idNumber: "110101199003071234" });
    sealedName = ((await ds.query("SELECT `name` FROM `client`")) as { name: string }[])[0].name;
    await ds.destroy();
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("SPEC §14: a value under a key version that is not configured stops the start, naming the version and no value", async () => {
    const stopped = await run(build, { DATABASE_URL: url, DATA_KEYS: OTHER, BLIND_INDEX_KEY: BLIND }, null);
    expect(stopped.code).not.toBe(0);
    expect(stopped.code).not.toBeNull();
    expect(stopped.output).toContain("data key version dev1");
    expect(stopped.output).not.toContain("欧阳秘钥");
    expect(stopped.output).not.toContain("110101199003071234");
    expect(stopped.output).not.toContain(sealedName.split(":")[2]);
    expect(stopped.output).not.toContain("    at ");

    const started = await run(
      build,
      { DATABASE_URL: url, DATA_KEYS: `${OTHER},${DEV_DATA_KEYS}`, BLIND_INDEX_KEY: BLIND },
      /"serving"/,
    );
    expect(started.output).toMatch(/"msg":"serving"/);
  }, 120_000);
});
