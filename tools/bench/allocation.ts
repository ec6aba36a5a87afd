import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";

/**
 * Preloaded into both servers (`node -r allocation.js …`; node:cluster passes it on to workers): the
 * bytes this process has allocated on the V8 heap so far, written every second to
 * `$BENCH_INTERNAL_ALLOC_DIR/<pid>.json` for the bench to difference around a round.
 *
 * Node 20's v8.getHeapStatistics() has no total_allocated_bytes, so it is reconstructed: everything
 * allocated is either still on the heap or was freed by a collection, and V8's GCProfiler reports the
 * used heap before and after each one. allocated = Σ (used before − used after) + used now − used at
 * start. Memory outside the V8 heap (Buffers, the mysql2 socket data) is not counted.
 */
export interface AllocationSample {
  pid: number;
  /** null when the process runs without the GC profiler. */
  allocatedBytes: number | null;
  gcCount: number;
  at: number;
}

function install(dir: string, measure: boolean): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}.json`);
  if (!measure) {
    // BENCH_ALLOCATION=0: only the process list (for CPU and RSS), no GC profiler, to see what it costs.
    const sample: AllocationSample = { pid: process.pid, allocatedBytes: null, gcCount: 0, at: Date.now() };
    fs.writeFileSync(file, JSON.stringify(sample));
    return;
  }
  const profiler = new v8.GCProfiler();
  const startUsed = v8.getHeapStatistics().used_heap_size;
  let freed = 0;
  let gcCount = 0;
  profiler.start();
  const write = () => {
    const data = profiler.stop();
    profiler.start();
    for (const s of data.statistics) {
      gcCount += 1;
      freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    }
    const sample: AllocationSample = {
      pid: process.pid,
      allocatedBytes: freed + v8.getHeapStatistics().used_heap_size - startUsed,
      gcCount,
      at: Date.now(),
    };
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(sample));
    fs.renameSync(`${file}.tmp`, file);
  };
  write();
  setInterval(write, 1000).unref();
}

/** The latest sample of every process of a server (the primary and its workers) still alive. */
export function readAllocation(dir: string): Map<number, AllocationSample> {
  const out = new Map<number, AllocationSample>();
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir)) {
    if (!/^\d+\.json$/.test(name)) continue;
    const pid = Number(name.slice(0, -5));
    if (!fs.existsSync(`/proc/${pid}`)) continue;
    try {
      out.set(pid, JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as AllocationSample);
    } catch {
      // being replaced this instant: the next read has it
    }
  }
  return out;
}

/** Bytes allocated by all the processes between two reads (a process new since `before` counts from 0). */
export function allocatedBetween(before: Map<number, AllocationSample>, after: Map<number, AllocationSample>): number {
  let total = 0;
  for (const [pid, a] of after) {
    const was = before.get(pid);
    if (a.allocatedBytes === null || was?.allocatedBytes === null) return Number.NaN;
    total += a.allocatedBytes - (was?.allocatedBytes ?? 0);
  }
  return total;
}

/** The same count inside this process (the raw export stream runs here): call the result to stop and read it. */
export function startOwnAllocation(): () => number {
  const profiler = new v8.GCProfiler();
  const startUsed = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  return () => {
    let freed = 0;
    for (const s of profiler.stop().statistics) {
      freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    }
    return freed + v8.getHeapStatistics().used_heap_size - startUsed;
  };
}

const dir = process.env.BENCH_INTERNAL_ALLOC_DIR;
if (dir) install(dir, process.env.BENCH_INTERNAL_ALLOC_MEASURE !== "0");
