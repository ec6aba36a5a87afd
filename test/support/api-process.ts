import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ApiProcess {
  child: ChildProcess;
  /** http://127.0.0.1:port */
  origin: string;
  /** What the process wrote on stdout and stderr so far. */
  output(): string;
  /** SIGKILL (if still running) and wait for the exit. */
  kill(): Promise<void>;
}

/**
 * The built API (`build`/src/main.js) as a process of its own on `databaseUrl`, without the demo
 * book; resolves once /readyz answers 200. For tests that kill it or restart it.
 */
export async function startApiProcess(
  build: string,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(build, "src/main.js")], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: path.join(root, "node_modules"),
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      SEED_DEMO: "false",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${origin}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 300 || child.exitCode !== null) throw new Error(`the API did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    origin,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/**
 * Runs the built API once with `env` (no demo book) and collects what it writes; sends SIGTERM once the
 * output matches `until` (null: let it exit by itself), SIGKILL after `ms`. For tests of how it starts.
 */
export function runApiUntil(
  build: string,
  env: Record<string, string>,
  until: RegExp | null,
  ms = 30_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(build, "src/main.js")], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", NODE_PATH: path.join(root, "node_modules"), SEED_DEMO: "false", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (c: Buffer) => {
      output += c.toString("utf8");
      if (until && until.test(output)) child.kill("SIGTERM");
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
