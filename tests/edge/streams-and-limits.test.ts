import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/edge/worker.ts";
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
});
