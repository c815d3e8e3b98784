import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

interface RouteReply {
  id: string;
  model: string;
  flags: Record<string, unknown>;
  fallbacks: string[];
  router_version: string;
  decision: { chosen: string; candidates: { id: string; rank: number; score: number }[]; pareto: string[]; reasons: string[] };
}

const prompt = "Summarise the plot of Hamlet in one line.";

describe("POST /v1/route", () => {
  it("returns the decision with every candidate ranked, and records it", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/route", { key, body: { messages: [{ role: "user", content: prompt }] } });
    expect(reply.status).toBe(200);
    const r = reply.json<RouteReply>();
    // Quality only (the default): the highest prior wins.
    expect(r.model).toBe("bench-llama");
    expect(r.decision.candidates.map((c) => c.rank)).toEqual([1, 2, 3]);
    expect(r.fallbacks).toEqual(r.decision.candidates.slice(1).map((c) => c.id));
    expect(r.decision.reasons.length).toBeGreaterThan(0);
    expect(r.router_version).toBe("prior");
    const row = await env.DB.prepare("SELECT * FROM decisions WHERE id = ?").bind(r.id).first();
    expect(row).toMatchObject({ endpoint: "route", chosen: "bench-llama", status: "routed", router_version: "prior" });
    expect(JSON.parse(String(row?.candidates))).toHaveLength(3);
  });

  it("takes flags from the header", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/route", { key, body: { prompt }, headers: { "x-switchyard-flags": "size=5" } });
    expect(reply.json<RouteReply>().model).toBe("bench-mamba");
    expect(reply.json<RouteReply>().flags).toMatchObject({ size: 5 });
  });

  it("lets the body's routing object override the header, flag by flag", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/route", {
      key,
      body: { prompt, routing: { size: 0 } },
      headers: { "x-switchyard-flags": "size=5,families=ssm|hybrid" },
    });
    const r = reply.json<RouteReply>();
    expect(r.flags).toMatchObject({ size: 0, families: ["ssm", "hybrid"] });
    expect(r.model).toBe("bench-bamba");
  });

  it("applies a named policy with auto:<policy>, and the default policy to plain auto", async () => {
    const key = await seedLibrary();
    await admin("PUT", "/policies/tiny", { flags: { max_params: 2e9 } });
    const tiny = await call("/v1/route", { key, body: { model: "auto:tiny", prompt } });
    expect(tiny.json<RouteReply>().model).toBe("bench-mamba");
    await admin("PUT", "/policies/default", { flags: { families: ["hybrid"] } });
    const auto = await call("/v1/route", { key, body: { model: "auto", prompt } });
    expect(auto.json<RouteReply>().model).toBe("bench-bamba");
    await admin("DELETE", "/policies/default");
  });

  it("answers 400 for an unknown policy, naming the model field", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/route", { key, body: { model: "auto:nope", prompt } });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error).toMatchObject({ code: "unknown_policy", param: "model" });
  });

  it("answers 400 naming an unknown flag in the body or the header", async () => {
    const key = await seedLibrary();
    const body = await call("/v1/route", { key, body: { prompt, routing: { speed: 1 } } });
    expect(body.status).toBe(400);
    expect(body.json<ErrorReply>().error).toMatchObject({ code: "invalid_flags", param: "routing.speed" });
    const header = await call("/v1/route", { key, body: { prompt }, headers: { "x-switchyard-flags": "latency=fast" } });
    expect(header.status).toBe(400);
    expect(header.json<ErrorReply>().error).toMatchObject({ code: "invalid_flags", param: "x-switchyard-flags.latency" });
  });

  it("answers 400 no_feasible_model with the reasons when constraints exclude every model", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/route", { key, body: { prompt, routing: { max_params: 1e6 } } });
    expect(reply.status).toBe(400);
    const { error } = reply.json<ErrorReply>();
    expect(error.code).toBe("no_feasible_model");
    expect(error.message).toContain("bench-mamba");
  });

  it("routes a named library model to itself", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/route", { key, body: { model: "bench-mamba", prompt } });
    expect(reply.json<RouteReply>().model).toBe("bench-mamba");
    expect(reply.json<RouteReply>().decision.candidates).toHaveLength(1);
  });

  it("skips disabled models", async () => {
    const key = await seedLibrary();
    const llama = await admin<Record<string, unknown>>("GET", "/models/bench-llama");
    await admin("PUT", "/models/bench-llama", { ...llama, enabled: false });
    const reply = await call("/v1/route", { key, body: { prompt } });
    expect(reply.json<RouteReply>().model).toBe("bench-bamba");
  });
});
