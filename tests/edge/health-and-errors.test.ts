import { describe, expect, it } from "vitest";
import { call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

describe("edge basics", () => {
  it("answers /healthz without a key", async () => {
    const reply = await call("/healthz");
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ ok: true });
    expect(reply.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("answers an unknown route with 404 in the OpenAI error shape", async () => {
    const reply = await call("/v2/nothing");
    expect(reply.status).toBe(404);
    const { error } = reply.json<ErrorReply>();
    expect(error).toMatchObject({ type: "not_found_error", code: "not_found", param: null });
    expect(error.request_id).toBe(reply.headers.get("x-request-id"));
  });

  it("rejects a body that is not JSON with 400", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/chat/completions", { key, body: "{nope" });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error).toMatchObject({ type: "invalid_request_error", code: "invalid_request" });
  });

  it("names the missing field of a chat request", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto" } });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error.param).toBe("messages");
  });

  it("names an unknown model in a 404", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/chat/completions", {
      key,
      body: { model: "no-such-model", messages: [{ role: "user", content: "hi" }] },
    });
    expect(reply.status).toBe(404);
    expect(reply.json<ErrorReply>().error).toMatchObject({ code: "model_not_found", param: "model" });
  });
});
