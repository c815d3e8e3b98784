import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/edge/worker.ts";
import { MAX_MESSAGES } from "../../src/edge/openai-request.ts";
import { MAX_CONTENT_CHARS, MAX_PROMPT_CHARS } from "../../src/edge/prompt-limits.ts";
import { MAX_BODY_BYTES } from "../../src/edge/request-body.ts";
import { call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

describe("streams and limits", () => {
  it("records a stream the client abandons as client_disconnected, not ended cleanly", async () => {
    const key = await seedLibrary();
    const ctx = createExecutionContext();
    const request = new Request("http://edge.test/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "auto", stream: true, messages: [{ role: "user", content: "ping" }] }),
    });
    const res = await worker.fetch(request, env, ctx);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("data: ");
    await reader.cancel();
    await waitOnExecutionContext(ctx);
    const row = await env.DB.prepare("SELECT status, chosen, ended_cleanly FROM decisions WHERE id = ?")
      .bind(res.headers.get("x-switchyard-decision"))
      .first();
    expect(row).toEqual({ status: "client_disconnected", chosen: "bench-llama", ended_cleanly: 0 });
  });

  it("refuses a body over the size limit with 413", async () => {
    const key = await seedLibrary();
    const content = "x".repeat(MAX_BODY_BYTES);
    const reply = await call("/v1/chat/completions", {
      key,
      body: { model: "auto", messages: [{ role: "user", content }] },
    });
    expect(reply.status).toBe(413);
    expect(reply.json<ErrorReply>().error.code).toBe("payload_too_large");
  });

  it("cuts a chunked upload with no content-length off at the cap, without reading the rest", async () => {
    const key = await seedLibrary();
    const chunk = new TextEncoder().encode(`{"model":"auto","messages":[{"role":"user","content":"${"x".repeat(65_536)}`);
    const total = 100 * 1024 * 1024;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("http://edge.test/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(413);
    expect((await res.json<ErrorReply>()).error.code).toBe("payload_too_large");
    expect(pulled).toBeLessThan(2 * MAX_BODY_BYTES);
  });

  it("counts the cap in bytes, not UTF-16 units", async () => {
    const key = await seedLibrary();
    // 2.5 million "é": 2.5 M string units, but 5 MB of UTF-8.
    const content = "é".repeat(2_500_000);
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto", messages: [{ role: "user", content }] } });
    expect(reply.status).toBe(413);
    expect(reply.json<ErrorReply>().error.code).toBe("payload_too_large");
  });

  it("refuses a body that is not UTF-8 with 400", async () => {
    const key = await seedLibrary();
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("http://edge.test/v1/route", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(400);
    expect((await res.json<ErrorReply>()).error).toMatchObject({ code: "invalid_request", message: "request body must be UTF-8" });
  });

  it(`refuses more than ${MAX_MESSAGES} messages with 400 naming messages`, async () => {
    const key = await seedLibrary();
    const messages = Array.from({ length: MAX_MESSAGES + 1 }, () => ({ role: "user", content: "hi" }));
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto", messages } });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error).toMatchObject({ code: "invalid_request", param: "messages" });
  });

  it("refuses one message over the content cap with 413 naming it", async () => {
    const key = await seedLibrary();
    const messages = [{ role: "system", content: "be brief" }, { role: "user", content: "x".repeat(MAX_CONTENT_CHARS + 1) }];
    const reply = await call("/v1/route", { key, body: { messages } });
    expect(reply.status).toBe(413);
    expect(reply.json<ErrorReply>().error).toMatchObject({ code: "prompt_too_large", param: "messages.1.content" });
  });

  it("refuses a prompt over the total cap with 413, even when each message fits", async () => {
    const key = await seedLibrary();
    const part = "x".repeat(Math.ceil(MAX_PROMPT_CHARS / 3) + 1);
    const messages = [1, 2, 3].map(() => ({ role: "user", content: part }));
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto", messages } });
    expect(reply.status).toBe(413);
    expect(reply.json<ErrorReply>().error).toMatchObject({ code: "prompt_too_large", param: "messages" });
    const prompt = await call("/v1/completions", { key, body: { model: "auto", prompt: [part, part, part] } });
    expect(prompt.json<ErrorReply>().error).toMatchObject({ code: "prompt_too_large", param: "prompt" });
  });
});
