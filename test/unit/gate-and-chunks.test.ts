import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Gate } from "../../src/server/gate";
import { gatherChunks } from "../../src/services/export/chunks";

describe("the admission gate", () => {
  it("runs at most `limit` operations at once, the rest in arrival order", async () => {
    const gate = new Gate(2, 10);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const work = (i: number) =>
      gate.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return i;
      });
    const all = [0, 1, 2, 3, 4].map(work);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0, 1]);
    expect(gate.queued).toBe(3);
    while (order.length < 5 || releases.length > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect((await Promise.all(all)).map((r) => r?.value)).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(gate.active).toBe(0);
  });

  it("refuses at once, without running it, what would wait beyond the queue", async () => {
    const gate = new Gate(1, 1);
    let release = () => undefined as void;
    const first = gate.run(() => new Promise<string>((r) => (release = () => r("a"))));
    const second = gate.run(async () => "b");
    let ran = false;
    const third = await gate.run(async () => {
      ran = true;
      return "c";
    });
    expect(third).toBeNull();
    expect(ran).toBe(false);
    release();
    expect(await first).toEqual({ value: "a" });
    expect(await second).toEqual({ value: "b" });
  });

  it("frees the slot when the work fails", async () => {
    const gate = new Gate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await gate.run(async () => 1)).toEqual({ value: 1 });
  });

  it("holds no slot while an operation waits on another service (SPEC §10 faults, defect 6: a hung Redis)", async () => {
    const gate = new Gate(1, 10);
    const order: string[] = [];
    let answer = () => undefined as void;
    const redis = new Promise<void>((r) => (answer = r));
    let releaseB = () => undefined as void;
    const a = gate.run(async () => {
      order.push("a starts");
      await gate.outside(() => redis);
      order.push("a resumes");
    });
    const b = gate.run(async () => {
      order.push("b runs");
      await new Promise<void>((r) => (releaseB = r));
      order.push("b ends");
    });
    const c = gate.run(async () => {
      order.push("c runs");
    });
    await new Promise((r) => setImmediate(r));
    // The one slot went to b while a waits on Redis; c waits its turn.
    expect(order).toEqual(["a starts", "b runs"]);
    expect(gate.active).toBe(1);
    answer();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["a starts", "b runs"]);
    releaseB();
    await Promise.all([a, b, c]);
    // a, admitted before c, takes its slot back ahead of it.
    expect(order).toEqual(["a starts", "b runs", "b ends", "a resumes", "c runs"]);
    expect(gate.active).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it("takes a free slot straight back after waiting outside it, and frees it on failure", async () => {
    const gate = new Gate(2, 0);
    const result = await gate.run(async () => {
      await expect(gate.outside(() => Promise.reject(new Error("redis down")))).rejects.toThrow("redis down");
      expect(gate.active).toBe(1);
      return "done";
    });
    expect(result).toEqual({ value: "done" });
    expect(gate.active).toBe(0);
  });
});

describe("gathering export lines into larger writes", () => {
  it("passes every byte through, in order, in fewer and larger chunks", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `{"clientNo":"M${String(i).padStart(6, "0")}"}\n`);
    const chunks: string[] = [];
    await pipeline(
      Readable.from(lines, { objectMode: false }),
      gatherChunks(16 * 1024),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          chunks.push(chunk.toString("utf8"));
          cb();
        },
      }),
    );
    expect(chunks.join("")).toBe(lines.join(""));
    expect(chunks.length).toBeLessThan(lines.length / 100);
    expect(chunks.slice(0, -1).every((c) => c.length >= 16 * 1024)).toBe(true);
  });

  it("writes nothing for an empty export", async () => {
    const chunks: Buffer[] = [];
    await pipeline(
      Readable.from([], { objectMode: false }),
      gatherChunks(),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          chunks.push(chunk);
          cb();
        },
      }),
    );
    expect(chunks).toEqual([]);
  });
});
