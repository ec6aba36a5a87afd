import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ROOT } from "../root";
import { readAllocation } from "./allocation";
import { log, sleep } from "./settings";

/** The bench's children (the API and the floor), their ports, and what /proc says of them. */
const CLK_TCK = 100;

export function procCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

export function procMemory(pid: number): { rssKb: number; hwmKb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? "0");
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5), so the next read is the peak since now. */
export function resetPeak(pid: number): void {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // Older kernels: VmHWM stays the lifetime peak.
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  port: number;
  stderr: string[];
  /** Where its processes (with WORKERS=N the primary and each worker) write their allocation samples. */
  allocDir: string;
}

/** The child's processes alive now: itself and, under node:cluster, its workers. */
export function treePids(child: Child): number[] {
  const pids = new Set<number>([child.pid, ...readAllocation(child.allocDir).keys()]);
  return [...pids].filter((pid) => fs.existsSync(`/proc/${pid}`));
}

/** CPU ms of each process, by pid (a process gone since is left out). */
export function treeCpuMs(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, procCpuMs(pid));
    } catch {
      // exited
    }
  }
  return out;
}

/**
 * Starts `node <args>` with the allocation sampler preloaded (BENCH_INTERNAL_ALLOC_DIR = allocDir) and
 * waits for /healthz; with `processes` > 1, until that many processes write samples (a cluster's primary
 * and its workers) and a moment more for the last ones to listen.
 */
/** Children still running: killed if the bench itself exits early (an error), so none is left behind. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const proc of running) if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
});

export async function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  allocDir: string,
  processes = 1,
): Promise<Child> {
  fs.rmSync(allocDir, { recursive: true, force: true });
  const proc = spawn(process.execPath, ["-r", path.join(__dirname, "allocation.js"), ...args], {
    cwd: ROOT,
    env: {
      ...env,
      BENCH_INTERNAL_ALLOC_DIR: allocDir,
      ...(process.env.BENCH_ALLOCATION?.trim() === "0" ? { BENCH_INTERNAL_ALLOC_MEASURE: "0" } : {}),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  running.add(proc);
  proc.once("exit", () => running.delete(proc));
  const stderr: string[] = [];
  proc.stderr?.setEncoding("utf8");
  proc.stderr?.on("data", (s: string) => {
    stderr.push(s);
    if (stderr.length > 50) stderr.shift();
  });
  const child: Child = { name, proc, pid: proc.pid ?? 0, port, stderr, allocDir };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}): ${stderr.join("").slice(-2000)}`);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200 && treePids(child).length >= processes) {
      if (processes > 1) await sleep(3000);
      return child;
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer /healthz in 60 s`);
    await sleep(200);
  }
}

/** SIGTERM, then SIGKILL after 10 s; says whether the child exited on SIGTERM alone. */
export async function stopChild(child: Child): Promise<boolean> {
  if (child.proc.exitCode !== null) return true;
  const exited = new Promise<void>((resolve) => child.proc.once("exit", () => resolve()));
  child.proc.kill("SIGTERM");
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    log(`${child.name} did not exit within 10 s of SIGTERM: killing it`);
    child.proc.kill("SIGKILL");
  }, 10_000);
  await exited;
  clearTimeout(timer);
  return !killed;
}

/** The second SIGUSR2: the child writes the profile; wait for the file to be complete. */
export async function stopProfile(pid: number, file: string): Promise<void> {
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 100 && !fs.existsSync(file); i += 1) await sleep(100);
  await sleep(500);
}
