import { describe, expect, it } from "vitest";
import { Scheduler } from "../../src/tier/scheduler.ts";
import { TierError } from "../../src/tier/tier-error.ts";

const limits = { concurrency: 1, maxQueue: 2, maxWaitMs: 60_000 };

async function refusal(p: Promise<unknown>): Promise<TierError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof TierError)) throw new Error(`expected a TierError, got ${String(err)}`);
  return err;
}

describe("Scheduler", () => {
  it("runs up to `concurrency` at once and queues the rest in arrival order", async () => {
    const s = new Scheduler({ ...limits, concurrency: 2 });
    const a = await s.acquire("m");
    const b = await s.acquire("m");
    const order: string[] = [];
    const c = s.acquire("m").then((slot) => (order.push("c"), slot));
    const d = s.acquire("m").then((slot) => (order.push("d"), slot));
    expect(s.depth("m")).toEqual({ running: 2, queued: 2 });
    a.release();
    (await c).release();
    b.release();
    (await d).release();
    expect(order).toEqual(["c", "d"]);
    expect(s.depth("m")).toEqual({ running: 0, queued: 0 });
  });

  it("refuses with 429 queue_full once the queue is at its bound", async () => {
    const s = new Scheduler(limits);
    const held = await s.acquire("m");
    const queued = [s.acquire("m"), s.acquire("m")];
    const err = await refusal(s.acquire("m"));
    expect([err.status, err.code]).toEqual([429, "queue_full"]);
    // Served to the end, so no queued wait outlives the test and fails after it.
    held.release();
    for (const q of queued) (await q).release();
    expect(s.depth("m")).toEqual({ running: 0, queued: 0 });
  });

  it("keeps each model's queue apart", async () => {
    const s = new Scheduler({ ...limits, maxQueue: 0 });
    await s.acquire("a");
    await expect(s.acquire("b")).resolves.toBeDefined();
    expect((await refusal(s.acquire("a"))).code).toBe("queue_full");
  });

  it("answers 503 overloaded when a queued request waits past maxWaitMs", async () => {
    const s = new Scheduler({ ...limits, maxWaitMs: 20 });
    await s.acquire("m");
    const err = await refusal(s.acquire("m"));
    expect([err.status, err.code]).toEqual([503, "overloaded"]);
    expect(s.depth("m").queued).toBe(0);
  });

  it("drops a queued request whose client aborts", async () => {
    const s = new Scheduler(limits);
    const first = await s.acquire("m");
    const ac = new AbortController();
    const waiting = s.acquire("m", ac.signal);
    ac.abort(new Error("client left"));
    await expect(waiting).rejects.toThrow("client left");
    expect(s.depth("m")).toEqual({ running: 1, queued: 0 });
    first.release();
    expect(s.depth("m").running).toBe(0);
  });

  it("releases a slot once however often release() is called", async () => {
    const s = new Scheduler(limits);
    const a = await s.acquire("m");
    const b = s.acquire("m");
    a.release();
    a.release();
    await b;
    expect(s.depth("m")).toEqual({ running: 1, queued: 0 });
  });

  it("refuses new work with 503 shutting_down while draining and resolves once idle", async () => {
    const s = new Scheduler(limits);
    const a = await s.acquire("m");
    const queued = s.acquire("m");
    let drained = false;
    const drain = s.drain().then(() => (drained = true));
    const err = await refusal(s.acquire("m"));
    expect([err.status, err.code]).toEqual([503, "shutting_down"]);
    a.release();
    await Promise.resolve();
    expect(drained).toBe(false);
    (await queued).release();
    await drain;
    expect(drained).toBe(true);
  });

  it("rejects limits that could never admit a request", () => {
    expect(() => new Scheduler({ ...limits, concurrency: 0 })).toThrow(RangeError);
  });
});
