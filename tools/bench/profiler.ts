import fs from "node:fs";
import inspector from "node:inspector";

/**
 * Runs inside the API child when BENCH_CPU_PROF=1 (preloaded: `node -r profiler.js dist/src/main.js`):
 * the first SIGUSR2 starts V8's CPU profiler, the second writes the .cpuprofile. Unlike --cpu-prof it
 * covers only the rounds the bench chooses and needs no clean exit.
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
    } else {
      session.post("Profiler.stop", (err, res) => {
        if (err === null) fs.writeFileSync(file, JSON.stringify(res.profile));
      });
    }
  });
}

const file = process.env.BENCH_INTERNAL_PROFILE_TO;
if (file) installProfiler(file);
