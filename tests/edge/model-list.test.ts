import { describe, expect, it } from "vitest";
import { call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary, serveFrom } from "./support/test-library.ts";

interface RouteReply {
  model: string;
  fallbacks: string[];
  decision: { candidates: { id: string; rank: number }[]; excluded: { id: string; reasons: string[] }[]; reasons: string[] };
}

const messages = [{ role: "user", content: "ping" }];
const reasonsFor = (r: RouteReply, id: string) => r.decision.excluded.find((e) => e.id === id)?.reasons;

describe("a models list in the request", () => {
  it("chooses the first listed model over a better score and falls back down the list; the rest are excluded", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/route", { key, body: { messages, models: ["bench-mamba", "bench-llama"] } });
    expect(reply.status).toBe(200);
    const r = reply.json<RouteReply>();
    // Without the list bench-llama (highest prior) would win.
    expect(r.model).toBe("bench-mamba");
    expect(r.fallbacks).toEqual(["bench-llama"]);
    expect(r.decision.reasons[0]).toMatch(/^bench-mamba: the first feasible model of the request's models list \(#1 of 2;/);
    expect(reasonsFor(r, "bench-bamba")).toEqual(['models: "bench-bamba" is not in the request\'s models list']);
  });

  it("skips a listed id that is not in the library and one the constraints exclude, each with its reason", async () => {
    const key = await seedLibrary();
    const body = { messages, models: ["gpt-9", "bench-llama", "bench-bamba", "bench-mamba"], routing: { families: ["ssm", "hybrid"] } };
    const r = (await call("/v1/route", { key, body })).json<RouteReply>();
    expect(r.model).toBe("bench-bamba");
    expect(r.fallbacks).toEqual(["bench-mamba"]);
    expect(reasonsFor(r, "gpt-9")).toEqual(['models: "gpt-9" is not an enabled library model']);
    expect(reasonsFor(r, "bench-llama")).toEqual(["families: family transformer is not one of ssm|hybrid"]);
  });

  it("puts a named model first and the list after it", async () => {
    const key = await seedLibrary();
    const r = (await call("/v1/route", { key, body: { model: "bench-bamba", messages, models: ["bench-mamba", "bench-bamba"] } })).json<RouteReply>();
    expect(r.decision.candidates.map((c) => c.id)).toEqual(["bench-bamba", "bench-mamba"]);
  });

  it("falls back to the next listed model when the first one's upstream fails, and never forwards the list", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-mamba", "failing");
    // The loopback upstreams refuse a forwarded `models` field with a 400, which the edge would pass through.
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto", messages, models: ["bench-mamba", "bench-bamba"] } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-switchyard-model")).toBe("bench-bamba");
    expect(reply.headers.get("x-switchyard-fallbacks")).toBe("1");
    expect(reply.text).toContain("model=bench-bamba");
  });

  it("answers 400 no_feasible_model when no listed model can serve", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/completions", { key, body: { model: "auto", prompt: "ping", models: ["gpt-9"] } });
    expect(reply.status).toBe(400);
    const { error } = reply.json<ErrorReply>();
    expect(error.code).toBe("no_feasible_model");
    expect(error.message).toContain('gpt-9: models: "gpt-9" is not an enabled library model');
  });

  it.each([
    ["a string", "bench-mamba"],
    ["an empty list", []],
    ["a number in it", ["bench-mamba", 7]],
    ["an empty id", [""]],
    ["an id twice", ["bench-mamba", "bench-mamba"]],
    ["33 ids", Array.from({ length: 33 }, (_, i) => `m${i}`)],
  ])("refuses %s with a 400 naming models", async (_what, models) => {
    const key = await seedLibrary();
    for (const [path, body] of [
      ["/v1/route", { messages, models }],
      ["/v1/chat/completions", { model: "auto", messages, models }],
    ] as const) {
      const reply = await call(path, { key, body });
      expect(reply.status).toBe(400);
      expect(reply.json<ErrorReply>().error).toMatchObject({ code: "invalid_request", type: "invalid_request_error", param: "models" });
    }
  });
});
