import fs from "node:fs";
import inspector from "node:inspector";

/**
 * Runs inside the API child when BENCH_CPU_PROF=1 (preloaded: `node -r profiler.js dist/src/main.js`):
 * the first SIGUSR2 starts V8's CPU profiler and its sampling heap profiler, the second writes the
 * .cpuprofile and, beside it, the .heapprofile. Unlike --cpu-prof it covers only the rounds the bench
 * chooses and needs no clean exit. The heap profiler keeps the samples of objects the collector has
 * since freed (includeObjectsCollectedBy…), so its profile is where the bytes were allocated, not what
 * is still alive: the allocation split by phase (profile.ts summariseAllocation).
 */
function installProfiler(file: string): void {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on("SIGUSR2", () => {
    running = !running;
    if (running) {
      session.post("Profiler.enable", () =>
        session.post("Profiler.setSamplingInterval", { interval: 500 }, () => session.post("Profiler.start")),
      );
      session.post("HeapProfiler.startSampling", {
        samplingInterval: ALLOCATION_SAMPLING_BYTES,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as never);
    } else {
      session.post("Profiler.stop", (err, res) => {
        if (err === null) fs.writeFileSync(file, JSON.stringify(res.profile));
      });
      session.post("HeapProfiler.stopSampling", (err, res) => {
        if (err === null) fs.writeFileSync(heapProfileFile(file), JSON.stringify(res.profile));
      });
    }
  });
}

/** Mean bytes between two allocation samples: about 60 samples per page request of 4 MB. */
const ALLOCATION_SAMPLING_BYTES = 64 * 1024;

/** Where the heap profile of a CPU profile file goes. */
export function heapProfileFile(cpuProfileFile: string): string {
  return cpuProfileFile.replace(/\.cpuprofile$/, "") + ".heapprofile";
}

const file = process.env.BENCH_INTERNAL_PROFILE_TO;
if (file) installProfiler(file);
