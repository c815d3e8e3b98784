import { describe, expect, it } from "vitest";
import { TierMetrics } from "../../src/tier/metrics.ts";

/** Parses exposition lines `name{labels} value` into a map (comments skipped). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe("TierMetrics", () => {
  it("counts requests by route, model and status", () => {
    const m = new TierMetrics();
    m.recordRequest("/v1/completions", "demo", 200, 0.2);
    m.recordRequest("/v1/completions", "demo", 200, 0.3);
    m.recordRequest("/v1/completions", "demo", 429, 0.001);
    const s = samples(m.render([]));
    expect(s.get('switchyard_tier_requests_total{route="/v1/completions",model="demo",status="200"}')).toBe(2);
    expect(s.get('switchyard_tier_requests_total{route="/v1/completions",model="demo",status="429"}')).toBe(1);
  });

  it("keeps a cumulative latency histogram whose +Inf bucket equals the count", () => {
    const m = new TierMetrics();
    for (const sec of [0.004, 0.2, 3, 1000]) m.recordRequest("/v1/score", "demo", 200, sec);
    const s = samples(m.render([]));
    const b = (le: string) => s.get(`switchyard_tier_request_duration_seconds_bucket{route="/v1/score",le="${le}"}`);
    expect([b("0.005"), b("0.25"), b("5"), b("300"), b("+Inf")]).toEqual([1, 2, 3, 3, 4]);
    expect(s.get('switchyard_tier_request_duration_seconds_count{route="/v1/score"}')).toBe(4);
    expect(s.get('switchyard_tier_request_duration_seconds_sum{route="/v1/score"}')).toBeCloseTo(1003.204, 6);
  });

  it("adds prompt and completion tokens per model and reports queue gauges as given", () => {
    const m = new TierMetrics();
    m.addTokens("demo", "prompt", 12);
    m.addTokens("demo", "prompt", 3);
    m.addTokens("demo", "completion", 7);
    const s = samples(m.render([{ model: "demo", running: 1, queued: 4, serving: { backend: "cuda", dtype: "bf16", weightBytes: 2048 } }]));
    expect(s.get('switchyard_tier_tokens_total{model="demo",kind="prompt"}')).toBe(15);
    expect(s.get('switchyard_tier_tokens_total{model="demo",kind="completion"}')).toBe(7);
    expect(s.get('switchyard_tier_queue_depth{model="demo"}')).toBe(4);
    expect(s.get('switchyard_tier_running_requests{model="demo"}')).toBe(1);
    expect(s.get('switchyard_tier_model_info{model="demo",backend="cuda",dtype="bf16"}')).toBe(1);
    expect(s.get('switchyard_tier_model_weight_bytes{model="demo"}')).toBe(2048);
  });

  it("escapes quotes and backslashes in label values", () => {
    const m = new TierMetrics();
    m.recordRequest("other", 'a"b\\c', 404, 0.01);
    expect(m.render([])).toContain('model="a\\"b\\\\c"');
  });
});
