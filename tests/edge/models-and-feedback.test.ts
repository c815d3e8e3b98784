import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ModelCardSchema } from "../../src/routing/model-card.ts";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

describe("GET /v1/models", () => {
  it("lists routers and library models in the OpenAI shape, each model with its card", async () => {
    const key = await seedLibrary();
    await admin("PUT", "/policies/fast", { flags: { latency: 1 } });
    const reply = await call("/v1/models", { key });
    expect(reply.status).toBe(200);
    const body = reply.json<{ object: string; data: { id: string; object: string; card?: unknown }[] }>();
    expect(body.object).toBe("list");
    expect(body.data.map((m) => m.id)).toEqual(["auto", "auto:fast", "bench-bamba", "bench-llama", "bench-mamba"]);
    for (const m of body.data) expect(m.object).toBe("model");
    const llama = body.data.find((m) => m.id === "bench-llama");
    expect(ModelCardSchema.strict().parse(llama?.card)).toMatchObject({ family: "transformer", attentionLayers: 24 });
  });
});

describe("POST /v1/feedback", () => {
  async function routedDecision(key: string): Promise<string> {
    const reply = await call("/v1/route", { key, body: { prompt: "hi" } });
    return reply.json<{ id: string }>().id;
  }

  it("records a score for a decision of this key", async () => {
    const key = await seedLibrary();
    const decision = await routedDecision(key);
    const reply = await call("/v1/feedback", { key, body: { decision_id: decision, score: 0.8 } });
    expect(reply.status).toBe(201);
    expect(reply.json()).toMatchObject({ decision_id: decision, score: 0.8, loss: null, source: "feedback" });
    const rows = await env.DB.prepare("SELECT * FROM outcomes WHERE decision_id = ?").bind(decision).all();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]).toMatchObject({ score: 0.8, loss: null, source: "feedback" });
  });

  it("records a measured loss with its source", async () => {
    const key = await seedLibrary();
    const decision = await routedDecision(key);
    const reply = await call("/v1/feedback", { key, body: { decision_id: decision, loss: 2.31, source: "score" } });
    expect(reply.status).toBe(201);
    expect(reply.json()).toMatchObject({ score: null, loss: 2.31, source: "score" });
  });

  it("answers 400 for both or neither of score and loss, or a score outside 0..1", async () => {
    const key = await seedLibrary();
    const decision = await routedDecision(key);
    for (const body of [
      { decision_id: decision },
      { decision_id: decision, score: 0.5, loss: 1 },
      { decision_id: decision, score: 1.5 },
    ]) {
      const reply = await call("/v1/feedback", { key, body });
      expect(reply.status).toBe(400);
      expect(reply.json<ErrorReply>().error.param).toBe("score");
    }
  });

  it("answers 404 for an unknown decision and for another key's decision", async () => {
    const key = await seedLibrary();
    const other = await admin<{ key: string }>("POST", "/keys", { name: "other" });
    const decision = await routedDecision(key);
    for (const [k, id] of [[key, "req_nope"], [other.key, decision]] as const) {
      const reply = await call("/v1/feedback", { key: k, body: { decision_id: id, score: 1 } });
      expect(reply.status).toBe(404);
      expect(reply.json<ErrorReply>().error).toMatchObject({ code: "not_found", param: "decision_id" });
    }
  });
});
