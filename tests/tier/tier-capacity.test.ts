import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoModels, makeDemoModels } from "./demo-models.ts";
import { startTier, type TierProcess } from "./tier-process.ts";

// demo-mamba is an SSM: its context is effectively unbounded, so with ignore_eos a generation runs until the
// client leaves. That holds the model's only slot for as long as the test needs, without timing assumptions.
const MODEL = "demo-mamba";

let demo: DemoModels;
let tier: TierProcess;

beforeAll(async () => {
  demo = makeDemoModels();
  tier = await startTier(["--models", demo.dir(MODEL), "--max-queue", "1"]);
});

afterAll(async () => {
  await tier?.stop();
  demo?.remove();
});

const endless = (stream: boolean) =>
  JSON.stringify({ model: MODEL, prompt: "a", max_tokens: 1_000_000, ignore_eos: true, stream, temperature: 0 });

function post(path: string, body: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${tier.baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body, signal });
}

/** The value of one sample in the tier's /metrics. */
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${tier.baseUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts an endless stream and returns once its first token arrived (so it holds the slot). */
async function holdSlot(): Promise<AbortController> {
  const ac = new AbortController();
  const res = await post("/v1/completions", endless(true), ac.signal);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let seen = "";
  while (!seen.includes('"text"')) seen += new TextDecoder().decode((await reader.read()).value);
  return ac;
}

describe("tier capacity", () => {
  it("queues up to --max-queue, refuses the next with 429, and serves the queued one once the slot frees", async () => {
    const running = await holdSlot();
    const queued = post("/v1/completions", JSON.stringify({ model: MODEL, prompt: "b", max_tokens: 3, ignore_eos: true }));
    await until(async () => (await metric(`switchyard_tier_queue_depth{model="${MODEL}"}`)) === 1, "one queued request");

    const refused = await post("/v1/completions", JSON.stringify({ model: MODEL, prompt: "c", max_tokens: 3 }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    const body = (await refused.json()) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: "queue_full", type: "rate_limit_error" });

    // Scoring shares the gate: also refused while the queue is full.
    const score = await post("/v1/score", JSON.stringify({ model: MODEL, text: "hello there" }));
    expect(score.status).toBe(429);

    running.abort();
    const served = await queued;
    expect(served.status).toBe(200);
    expect(((await served.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);
    await until(async () => (await metric(`switchyard_tier_running_requests{model="${MODEL}"}`)) === 0, "the slot to be free");
    expect(await metric(`switchyard_tier_queue_depth{model="${MODEL}"}`)).toBe(0);
    expect(await metric(`switchyard_tier_requests_total{route="/v1/completions",model="${MODEL}",status="429"}`)).toBe(1);
  });

  it("keeps answering /healthz and /metrics while a generation runs", async () => {
    const running = await holdSlot();
    const health = await fetch(`${tier.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await metric(`switchyard_tier_running_requests{model="${MODEL}"}`)).toBe(1);
    running.abort();
    await until(async () => (await metric(`switchyard_tier_running_requests{model="${MODEL}"}`)) === 0, "the slot to be free");
  });

  it("drops a queued request from the queue when its client leaves", async () => {
    const running = await holdSlot();
    const ac = new AbortController();
    const queued = post("/v1/completions", JSON.stringify({ model: MODEL, prompt: "e", max_tokens: 2 }), ac.signal).catch((e: unknown) => e);
    const depth = `switchyard_tier_queue_depth{model="${MODEL}"}`;
    await until(async () => (await metric(depth)) === 1, "one queued request");
    ac.abort();
    expect(await queued).toBeInstanceOf(Error);
    await until(async () => (await metric(depth)) === 0, "an empty queue");
    running.abort();
    await until(async () => (await metric(`switchyard_tier_running_requests{model="${MODEL}"}`)) === 0, "the slot to be free");
  });

  it("stops a non-streamed generation once its client leaves, freeing the slot", async () => {
    const ac = new AbortController();
    const pending = post("/v1/completions", endless(false), ac.signal).catch((e: unknown) => e);
    const running = `switchyard_tier_running_requests{model="${MODEL}"}`;
    await until(async () => (await metric(running)) === 1, "the request to run");
    ac.abort();
    expect(await pending).toBeInstanceOf(Error);
    await until(async () => (await metric(running)) === 0, "the slot to be free");
  });

  it("on SIGTERM refuses new work with 503 shutting_down, then exits once the running request ends", async () => {
    const running = await holdSlot();
    const exited = tier.stop();
    await until(async () => (await fetch(`${tier.baseUrl}/healthz`)).status === 503, "draining");
    const refused = await post("/v1/completions", JSON.stringify({ model: MODEL, prompt: "d", max_tokens: 2 }));
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("shutting_down");
    running.abort();
    expect(await exited).toBe(0);
  });
});
