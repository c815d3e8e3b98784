import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Capability } from "../../src/routing/capabilities.ts";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary, testModels } from "./support/test-library.ts";

interface RouteReply {
  model: string;
  decision: { candidates: { id: string }[]; excluded: { id: string; reasons: string[] }[]; reasons: string[] };
}

const ask = [{ role: "user", content: "What is the weather in Oslo?" }];
const tool = { type: "function", function: { name: "weather", parameters: { type: "object", properties: {} } } };
const image = { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } };

/** Replaces a test model's card with the same card declaring these capabilities (and any other changes). */
async function declare(id: string, capabilities: Capability[], extra: Record<string, unknown> = {}): Promise<void> {
  const model = testModels().find((m) => m.id === id);
  await admin("PUT", `/models/${id}`, { ...model, capabilities, ...extra });
}

const reasonsFor = (r: RouteReply, id: string) => r.decision.excluded.find((e) => e.id === id)?.reasons ?? [];

describe("capability-aware routing", () => {
  it("sends a tools request only to a model with tools, and /v1/route says why the others are out", async () => {
    const key = await seedLibrary();
    await declare("bench-mamba", ["tools"]);
    const reply = await call("/v1/route", { key, body: { messages: ask, tools: [tool] } });
    expect(reply.status).toBe(200);
    const r = reply.json<RouteReply>();
    // Without the need the highest prior (bench-llama) would win.
    expect(r.model).toBe("bench-mamba");
    expect(r.decision.candidates.map((c) => c.id)).toEqual(["bench-mamba"]);
    expect(reasonsFor(r, "bench-llama")).toEqual(["tools: no tool calling (the request uses tools or tool_choice)"]);
    expect(r.decision.reasons).toContain("2 excluded by hard constraints (tools ×2)");
  });

  it.each([
    ["tool_choice", "tools", { tool_choice: "required" }],
    ["response_format json_object", "json_mode", { response_format: { type: "json_object" } }],
    ["response_format json_schema", "json_schema", { response_format: { type: "json_schema", json_schema: { name: "w", schema: {} } } }],
    ["an image_url part", "image_input", { messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, image] }] }],
    ["logprobs", "logprobs", { logprobs: true }],
    ["top_logprobs", "logprobs", { top_logprobs: 3 }],
  ] as const)("a request with %s needs %s", async (_what, capability, extra) => {
    const key = await seedLibrary();
    await declare("bench-mamba", [capability]);
    const r = (await call("/v1/route", { key, body: { messages: ask, ...extra } })).json<RouteReply>();
    expect(r.model).toBe("bench-mamba");
    expect(reasonsFor(r, "bench-llama")[0]).toMatch(new RegExp(`^${capability}: no `));
  });

  it("needs nothing for tool_choice none, response_format text, logprobs false or a text-only part list", async () => {
    const key = await seedLibrary();
    const body = {
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      tool_choice: "none",
      response_format: { type: "text" },
      logprobs: false,
      top_logprobs: 0,
    };
    const r = (await call("/v1/route", { key, body })).json<RouteReply>();
    expect(r.model).toBe("bench-llama");
    expect(r.decision.excluded).toEqual([]);
  });

  it("proxies a chat request with tools to the model that has them", async () => {
    const key = await seedLibrary();
    await declare("bench-bamba", ["tools"]);
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto", messages: ask, tools: [tool] } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-switchyard-model")).toBe("bench-bamba");
    expect(reply.text).toContain("model=bench-bamba");
  });

  it("reads a text completion's logprobs count as a need, 0 included", async () => {
    const key = await seedLibrary();
    await declare("bench-mamba", ["logprobs"]);
    const reply = await call("/v1/completions", { key, body: { model: "auto", prompt: "Once upon", logprobs: 0 } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-switchyard-model")).toBe("bench-mamba");
  });

  it("answers 400 naming the capability and the field that uses it when no model has it", async () => {
    const key = await seedLibrary();
    const tools = await call("/v1/chat/completions", { key, body: { model: "auto", messages: ask, tools: [tool] } });
    expect(tools.status).toBe(400);
    const { error } = tools.json<ErrorReply>();
    expect(error).toMatchObject({ code: "no_feasible_model", type: "invalid_request_error", param: "tools" });
    expect(error.message).toContain("no model supports tools, which the request uses (tools or tool_choice)");
    const messages = [{ role: "user", content: [{ type: "text", text: "What is this?" }, image] }];
    const pictured = await call("/v1/route", { key, body: { messages } });
    expect(pictured.json<ErrorReply>().error).toMatchObject({ code: "no_feasible_model", param: "messages.0.content.1" });
    expect(pictured.json<ErrorReply>().error.message).toContain("no model supports image_input");
  });

  it("refuses a named model that lacks the capability", async () => {
    const key = await seedLibrary();
    await declare("bench-mamba", ["tools"]);
    const reply = await call("/v1/route", { key, body: { model: "bench-llama", messages: ask, response_format: { type: "json_object" } } });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error).toMatchObject({ code: "no_feasible_model", param: "response_format" });
  });

  it("counts max_tokens with the prompt against each context window", async () => {
    const key = await seedLibrary();
    await declare("bench-bamba", [], { contextLength: 65_536 });
    const fits = (await call("/v1/route", { key, body: { messages: ask, max_tokens: 10_000 } })).json<RouteReply>();
    expect(fits.model).toBe("bench-bamba");
    expect(reasonsFor(fits, "bench-llama")[0]).toMatch(/^context: window 8192 < 100\d\d tokens needed \(prompt \d+ \+ max_tokens 10k\)$/);
    const none = await call("/v1/route", { key, body: { messages: ask, max_completion_tokens: 70_000 } });
    expect(none.status).toBe(400);
    expect(none.json<ErrorReply>().error.message).toMatch(/bench-bamba: context: window 65536 < 700\d\d tokens needed/);
  });
});

describe("capabilities on the card", () => {
  it("are stored, listed by /v1/models, and validated by the admin API", async () => {
    const key = await seedLibrary();
    await declare("bench-mamba", ["tools", "logprobs"]);
    expect(await admin("GET", "/models/bench-mamba")).toMatchObject({ capabilities: ["tools", "logprobs"] });
    const listed = (await call("/v1/models", { key })).json<{ data: { id: string; card?: { capabilities: string[] } }[] }>();
    expect(listed.data.find((m) => m.id === "bench-mamba")?.card?.capabilities).toEqual(["tools", "logprobs"]);
    for (const [capabilities, param] of [[["telepathy"], "capabilities.0"], [["tools", "tools"], "capabilities"], ["tools", "capabilities"]] as const) {
      const bad = await call("/admin/models/bench-mamba", { method: "PUT", admin: true, body: { ...testModels()[0], capabilities } });
      expect(bad.status).toBe(400);
      expect(bad.json<ErrorReply>().error).toMatchObject({ code: "invalid_request", param });
    }
  });

  it("read as none on a row written before the column existed, which still routes plain requests", async () => {
    const key = await seedLibrary();
    await env.DB.prepare("DELETE FROM models").run();
    // The columns of migrations 0000-0004 only: the row an older edge wrote.
    await env.DB.prepare(
      `INSERT INTO models (id, family, architecture, params, layers, attention_layers, d_model, d_inner, d_state, kv_heads,
         head_dim, context_length, released_at, bytes_per_param, price_input_per_mtok, price_output_per_mtok, calibration,
         quality_prior, upstream_id, upstream_model, enabled, created_at, updated_at)
       VALUES ('old-llama', 'transformer', 'LlamaForCausalLM', 1000000000, 16, 16, 2048, 0, 0, 8, 64, 8192, '2024-09-25', 2,
         0, 0, NULL, 0.5, 'a', NULL, 1, 0, 0)`,
    ).run();
    await admin("PUT", "/policies/refresh", { flags: {} }); // an admin write: the isolate re-reads the library
    expect(await admin("GET", "/models/old-llama")).toMatchObject({ capabilities: [] });
    const plain = await call("/v1/chat/completions", { key, body: { model: "auto", messages: ask } });
    expect(plain.headers.get("x-switchyard-model")).toBe("old-llama");
    const tools = await call("/v1/route", { key, body: { messages: ask, tools: [tool] } });
    expect(tools.json<ErrorReply>().error.param).toBe("tools");
  });
});
