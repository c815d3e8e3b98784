import { describe, expect, it } from "vitest";
import { CoalescedWrites } from "../../src/edge/upstream/coalesced-writes.ts";

/** A store that records each write's batch and applies every change but "skip". */
function recorder(ms = 5) {
  const batches: string[][] = [];
  let inFlight = 0;
  let overlapped = false;
  const write = async (changes: string[]) => {
    inFlight += 1;
    overlapped ||= inFlight > 1;
    batches.push(changes);
    await new Promise((r) => setTimeout(r, ms));
    inFlight -= 1;
    return changes.map((c) => c !== "skip");
  };
  return { batches, write, overlapped: () => overlapped };
}

describe("coalesced writes", () => {
  it("writes changes queued together as one write, at once, and those queued during it as the next", async () => {
    const queue = new CoalescedWrites<string>(50);
    const store = recorder(20);
    const started = Date.now();
    const first = ["a", "skip"].map((c) => queue.add(c, store.write));
    await new Promise((r) => setTimeout(r, 5));
    expect(store.batches).toEqual([["a", "skip"]]);
    const second = ["b", "c"].map((c) => queue.add(c, store.write));
    expect(await Promise.all([...first, ...second])).toEqual([true, false, true, true]);
    expect(store.batches).toEqual([["a", "skip"], ["b", "c"]]);
    // the second waited for the first to land (20 ms), then for the window (50 ms)
    expect(Date.now() - started).toBeGreaterThanOrEqual(65);
  });

  it("writes one at a time, at most once per window, keeping the order of the changes", async () => {
    const queue = new CoalescedWrites<string>(30);
    const store = recorder();
    const started = Date.now();
    const done: Promise<boolean>[] = [];
    for (let i = 0; i < 40; i++) {
      done.push(queue.add(String(i), store.write));
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(done);
    expect(store.overlapped()).toBe(false);
    expect(store.batches.flat()).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    // ~80 ms of changes: a write at once, then at most one per 30 ms window (plus the write's own 5 ms)
    expect(store.batches.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 30) + 1);
    expect(store.batches.length).toBeLessThan(10);
  });

  it("fails every change of a write that throws, and still writes the next ones", async () => {
    const queue = new CoalescedWrites<string>(0);
    const failing = () => Promise.reject(new Error("D1 down"));
    await expect(queue.add("a", failing)).rejects.toThrow("D1 down");
    const store = recorder();
    expect(await queue.add("b", store.write)).toBe(true);
    expect(store.batches).toEqual([["b"]]);
  });
});
