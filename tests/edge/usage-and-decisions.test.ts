import { describe, expect, it } from "vitest";
import type { DecisionRecord } from "../../src/edge/routes/decisions.ts";
import type { UsageReport } from "../../src/edge/usage/usage-report.ts";
import type { CostCurve } from "../../src/routing/cost-curves.ts";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

const chat = (routing: Record<string, number> = {}) => ({ model: "auto", messages: [{ role: "user", content: "ping" }], routing });

async function keyIdOf(key: string): Promise<string> {
  const { data } = await admin<{ data: { id: string; name: string }[] }>("GET", "/keys");
  // seedLibrary names every key "test"; the newest is first
  const match = data.find((k) => k.name === "test");
  if (!match) throw new Error(`no key for ${key.slice(0, 8)}…`);
  return match.id;
}

describe("GET /admin/usage", () => {
  it("sums served tokens per key, model and day at card prices, and the savings against the baseline", async () => {
    const key = await seedLibrary();
    const keyId = await keyIdOf(key);
    for (const body of [chat(), chat(), chat({ size: 5 })]) expect((await call("/v1/chat/completions", { key, body })).status).toBe(200);
    expect((await call("/v1/route", { key, body: chat() })).status).toBe(200);

    const reply = await call(`/admin/usage?key_id=${keyId}&baseline=bench-llama`, { admin: true });
    expect(reply.status).toBe(200);
    const usage = reply.json<UsageReport>();
    // the test upstream reports 7 prompt and 5 completion tokens per answer; /v1/route serves nothing
    const llama = (2 * 7 * 0.3 + 2 * 5 * 0.6) / 1e6;
    const mamba = (7 * 0.1 + 5 * 0.2) / 1e6;
    const mambaAtLlama = (7 * 0.3 + 5 * 0.6) / 1e6;
    expect(usage.baseline).toEqual({ model: "bench-llama", source: "query" });
    expect(usage.totals).toMatchObject({ requests: 3, tokens_in: 21, tokens_out: 15 });
    expect(usage.totals.cost_usd).toBeCloseTo(llama + mamba, 12);
    expect(usage.totals.savings_usd).toBeCloseTo(mambaAtLlama - mamba, 12);
    expect(usage.by_model.map((m) => [m.model, m.requests])).toEqual([["bench-llama", 2], ["bench-mamba", 1]]);
    expect(usage.by_key).toEqual([expect.objectContaining({ key_id: keyId, key_name: "test", requests: 3 })]);
    expect(usage.by_day).toEqual([expect.objectContaining({ day: new Date().toISOString().slice(0, 10), requests: 3 })]);
  });

  it("counts savings against the priciest model when neither the query nor the config names one", async () => {
    const key = await seedLibrary();
    await call("/v1/chat/completions", { key, body: chat({ size: 5 }) });
    const usage = (await call(`/admin/usage?key_id=${await keyIdOf(key)}`, { admin: true })).json<UsageReport>();
    expect(usage.baseline).toEqual({ model: "bench-llama", source: "most_expensive" });
    const config = (await call(`/admin/usage?key_id=${await keyIdOf(key)}`, { admin: true, vars: { SAVINGS_BASELINE_MODEL: "bench-bamba" } })).json<UsageReport>();
    expect(config.baseline).toEqual({ model: "bench-bamba", source: "config" });
  });

  it("refuses bad parameters with 400 naming them, and callers without the admin token", async () => {
    await seedLibrary();
    for (const [query, param] of [["days=0", "days"], ["days=abc", "days"], ["baseline=nope", "baseline"], ["color=red", "color"]]) {
      const reply = await call(`/admin/usage?${query}`, { admin: true });
      expect([reply.status, reply.json<ErrorReply>().error.param]).toEqual([400, param]);
    }
    expect((await call("/admin/usage")).status).toBe(401);
  });
});

describe("GET /v1/decisions", () => {
  it("lists this key's decisions newest first, each with its candidates, and reads one back", async () => {
    const key = await seedLibrary();
    const first = await call("/v1/chat/completions", { key, body: chat() });
    const second = await call("/v1/chat/completions", { key, body: chat({ size: 5 }) });
    const list = (await call("/v1/decisions?limit=2", { key })).json<{ data: DecisionRecord[] }>().data;
    expect(list.map((d) => d.id)).toEqual([second.headers.get("x-switchyard-decision"), first.headers.get("x-switchyard-decision")]);
    expect(list[0]).toMatchObject({ model: "bench-mamba", status: "ok", ended_cleanly: true, tokens_in: 7, tokens_out: 5 });
    expect(list[0]?.candidates.map((c) => c.id)).toContain("bench-llama");
    expect(list[0]?.flags.size).toBe(5);

    const one = await call(`/v1/decisions/${list[1]?.id}`, { key });
    expect(one.json<DecisionRecord>()).toEqual({ ...list[1], outcomes: [] });
    expect((await call("/v1/feedback", { key, body: { decision_id: list[1]?.id, score: 0.75 } })).status).toBe(201);
    const rated = (await call(`/v1/decisions/${list[1]?.id}`, { key })).json<{ outcomes: unknown[] }>();
    expect(rated.outcomes).toEqual([expect.objectContaining({ score: 0.75, loss: null, source: "feedback" })]);
  });

  it("hides other keys' decisions and checks its query", async () => {
    const mine = await seedLibrary();
    const theirs = await seedLibrary();
    const id = (await call("/v1/chat/completions", { key: theirs, body: chat() })).headers.get("x-switchyard-decision");
    expect((await call(`/v1/decisions/${id}`, { key: mine })).status).toBe(404);
    expect((await call("/v1/decisions", { key: mine })).json<{ data: unknown[] }>().data).toEqual([]);
    const bad = await call("/v1/decisions?limit=1000", { key: mine });
    expect([bad.status, bad.json<ErrorReply>().error.param]).toEqual([400, "limit"]);
  });
});

describe("GET /v1/cost-curves", () => {
  it("gives every servable model a curve from 1k to 128k: an SSM's memory flat, a Transformer's growing", async () => {
    const key = await seedLibrary();
    const { data, max_tokens } = (await call("/v1/cost-curves?max_tokens=64", { key })).json<{ data: CostCurve[]; max_tokens: number }>();
    expect(max_tokens).toBe(64);
    expect(data.map((c) => c.id).sort()).toEqual(["bench-bamba", "bench-llama", "bench-mamba"]);
    const memory = (id: string) => data.find((c) => c.id === id)?.points.map((p) => p.memory_bytes) ?? [];
    expect(data[0]?.points.map((p) => p.prompt_tokens)).toEqual([1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072]);
    expect(new Set(memory("bench-mamba")).size).toBe(1);
    expect(memory("bench-llama").every((m, i, a) => i === 0 || m > (a[i - 1] as number))).toBe(true);
  });
});
