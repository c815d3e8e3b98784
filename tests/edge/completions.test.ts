import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary, serveFrom } from "./support/test-library.ts";

const chat = (extra: Record<string, unknown> = {}) => ({
  model: "auto",
  messages: [{ role: "user", content: "ping" }],
  ...extra,
});

interface ChatReply {
  model: string;
  choices: { message: { content: string } }[];
  usage: { prompt_tokens: number; completion_tokens: number };
}

async function decisionRow(id: string | null): Promise<Record<string, unknown>> {
  const row = await env.DB.prepare("SELECT * FROM decisions WHERE id = ?").bind(id).first();
  if (!row) throw new Error(`no decision row ${id}`);
  return row;
}

/** The text of an SSE chat stream, reassembled from its deltas. */
function sseText(body: string): string {
  return body
    .split("\n")
    .filter((l) => l.startsWith("data: ") && l !== "data: [DONE]")
    .map((l) => JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] })
    .map((c) => c.choices[0]?.delta.content ?? "")
    .join("");
}

describe("POST /v1/chat/completions", () => {
  it("proxies to the chosen model's upstream with its secret, and names model and decision in headers", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/chat/completions", { key, body: chat() });
    expect(reply.status).toBe(200);
    const body = reply.json<ChatReply>();
    expect(body.choices[0]?.message.content).toBe("[a] model=bench-llama auth=ok said: ping");
    expect(reply.headers.get("x-switchyard-model")).toBe("bench-llama");
    const id = reply.headers.get("x-switchyard-decision");
    expect(id).toBe(reply.headers.get("x-request-id"));
    expect(reply.text).not.toContain(env.UPSTREAM_A_KEY);
    expect(await decisionRow(id)).toMatchObject({
      endpoint: "chat.completions",
      requested_model: "auto",
      chosen: "bench-llama",
      status: "ok",
      http_status: 200,
      fallbacks_tried: "[]",
      tokens_in: 7,
      tokens_out: 5,
      stream: 0,
    });
  });

  it("sends the upstream its own model name and never the routing object", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/chat/completions", {
      key,
      body: chat({ routing: { size: 5 }, temperature: 0.2 }),
    });
    expect(reply.json<ChatReply>().choices[0]?.message.content).toContain("model=bench-mamba");
    expect(reply.headers.get("x-switchyard-model")).toBe("bench-mamba");
  });

  it("streams SSE through as the upstream sent it and records usage from the last chunk", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/chat/completions", { key, body: chat({ stream: true }) });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toContain("text/event-stream");
    expect(reply.text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(sseText(reply.text)).toBe("[a] model=bench-llama auth=ok said: ping");
    const row = await decisionRow(reply.headers.get("x-switchyard-decision"));
    expect(row).toMatchObject({ stream: 1, status: "ok", tokens_in: 7, tokens_out: 5 });
  });

  for (const [upstream, error] of [
    ["down", "connection failed"],
    ["failing", "HTTP 503"],
    ["busy", "HTTP 429 (retry-after 1)"],
    ["slow", "no response within 300 ms"],
    ["nokey", "secret UPSTREAM_NOT_SET_ANYWHERE is not set"],
  ] as const) {
    it(`falls back to the next candidate when the first is ${upstream}`, async () => {
      const key = await seedLibrary();
      await serveFrom("bench-llama", upstream);
      const reply = await call("/v1/chat/completions", { key, body: chat() });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("x-switchyard-model")).toBe("bench-bamba");
      expect(reply.headers.get("x-switchyard-fallbacks")).toBe("1");
      const row = await decisionRow(reply.headers.get("x-switchyard-decision"));
      expect(row.chosen).toBe("bench-bamba");
      const tried = JSON.parse(String(row.fallbacks_tried)) as { model: string; upstream: string; error: string }[];
      expect(tried).toHaveLength(1);
      expect(tried[0]).toMatchObject({ model: "bench-llama", upstream });
      expect(tried[0]?.error).toContain(error);
    });
  }

  it("answers 502 upstream_unavailable when every candidate fails, and records it", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-llama", "down");
    await serveFrom("bench-bamba", "failing");
    await serveFrom("bench-mamba", "down");
    const reply = await call("/v1/chat/completions", { key, body: chat() });
    expect(reply.status).toBe(502);
    const { error } = reply.json<ErrorReply>();
    expect(error).toMatchObject({ code: "upstream_unavailable", type: "upstream_error" });
    const row = await decisionRow(error.request_id);
    expect(row).toMatchObject({ status: "upstream_unavailable", http_status: 502, chosen: null });
    // Each candidate once, then one retry of the first retryable failure (bench-llama's refused connection).
    const tried = JSON.parse(String(row.fallbacks_tried)) as { model: string }[];
    expect(tried.map((t) => t.model)).toEqual(["bench-llama", "bench-bamba", "bench-mamba", "bench-llama"]);
  });

  it("passes an upstream 4xx through without falling back", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-llama", "refusing");
    const reply = await call("/v1/chat/completions", { key, body: chat() });
    expect(reply.status).toBe(422);
    expect(reply.headers.get("x-switchyard-model")).toBe("bench-llama");
    expect(reply.json<ErrorReply>().error.message).toContain("refusing");
    const row = await decisionRow(reply.headers.get("x-switchyard-decision"));
    expect(row).toMatchObject({ status: "upstream_error", http_status: 422, fallbacks_tried: "[]" });
  });
});

describe("POST /v1/completions", () => {
  it("routes and proxies a text completion, streamed or not", async () => {
    const key = await seedLibrary();
    const plain = await call("/v1/completions", { key, body: { model: "auto", prompt: "Once upon" } });
    expect(plain.status).toBe(200);
    expect(plain.json<{ choices: { text: string }[] }>().choices[0]?.text).toBe(
      "[a] model=bench-llama auth=ok said: Once upon",
    );
    const streamed = await call("/v1/completions", { key, body: { model: "auto", prompt: "Once upon", stream: true } });
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    expect(streamed.text).toContain('"object":"text_completion"');
    expect(await decisionRow(streamed.headers.get("x-switchyard-decision"))).toMatchObject({
      endpoint: "completions",
      stream: 1,
      status: "ok",
    });
  });
});
