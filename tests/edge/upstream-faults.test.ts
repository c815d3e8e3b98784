/**
 * Upstream faults, each from a real misbehaving server on loopback (tests/e2e/support/fault-upstream.ts):
 * before the edge commits to an answer it falls back; after the first byte of a stream the client gets an
 * error event in the OpenAI shape, then [DONE]; and the decision row says what the client got.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Fault } from "../e2e/support/fault-upstream.ts";
import { call, type ErrorReply } from "./support/edge-call.ts";
import { faultHits, faultUpstream, seedLibrary, serveFrom } from "./support/test-library.ts";

const chat = (extra: Record<string, unknown> = {}) => ({ model: "auto", messages: [{ role: "user", content: "ping" }], ...extra });

async function decisionRow(id: string | null): Promise<Record<string, unknown>> {
  const row = await env.DB.prepare("SELECT * FROM decisions WHERE id = ?").bind(id).first();
  if (!row) throw new Error(`no decision row ${id}`);
  return row;
}

const tried = (row: Record<string, unknown>) =>
  JSON.parse(String(row.fallbacks_tried)) as { model: string; upstream: string; error: string }[];

/** The data payloads of an SSE body, in order. */
const sseData = (text: string) =>
  text.split("\n\n").filter((e) => e.startsWith("data: ")).map((e) => e.slice("data: ".length));

/** bench-llama (the best) on the fault, bench-bamba on a healthy upstream; returns an API key. */
async function faultFirst(fault: Fault, tag: string, budgets: Record<string, number> = {}): Promise<string> {
  const key = await seedLibrary();
  await serveFrom("bench-llama", await faultUpstream(fault, tag, budgets));
  await serveFrom("bench-bamba", await faultUpstream("healthy", tag));
  return key;
}

const tight = { timeoutMs: 300, idleTimeoutMs: 300, totalTimeoutMs: 600 };

describe("before the first byte, a broken upstream is passed over", () => {
  for (const [fault, stream, error] of [
    ["error500", false, "HTTP 500"],
    ["hang", false, "no response within 300 ms"],
    ["hang", true, "no response within 300 ms"],
    ["invalid-json", false, "not a JSON object"],
    ["cut", false, "broke off"],
    ["stall", false, "no data for 300 ms"],
    ["drip", false, "not finished within 600 ms"],
    ["drip", true, "not finished within 600 ms"],
    ["invalid-sse", true, "not JSON"],
    ["empty-sse", true, "ended before its first event"],
    ["echo-auth-401", false, "refused the edge's key"],
  ] as const) {
    it(`falls back from ${fault} (${stream ? "SSE" : "JSON"}) and records why`, async () => {
      const tag = `before-${fault}-${stream}`;
      const key = await faultFirst(fault, tag, tight);
      const reply = await call("/v1/chat/completions", { key, body: chat({ stream }) });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("x-switchyard-model")).toBe("bench-bamba");
      expect(reply.text).toContain(`[${tag}] fine`.slice(stream ? 3 : 0, stream ? 6 : undefined));
      const row = await decisionRow(reply.headers.get("x-switchyard-decision"));
      expect(row).toMatchObject({ chosen: "bench-bamba", status: "ok", http_status: 200, ended_cleanly: 1, error: null });
      expect(tried(row)).toHaveLength(1);
      expect(tried(row)[0]).toMatchObject({ model: "bench-llama", upstream: `${fault}-${tag}` });
      expect(tried(row)[0]?.error).toContain(error);
    });
  }

  it("answers a broken non-streamed body with 502 in the OpenAI shape, and the row says 502", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-llama", await faultUpstream("cut", "json-502"));
    const reply = await call("/v1/chat/completions", { key, body: chat({ model: "bench-llama" }) });
    expect(reply.status).toBe(502);
    const { error } = reply.json<ErrorReply>();
    expect(error).toMatchObject({ type: "upstream_error", code: "upstream_unavailable", param: null });
    expect(await decisionRow(error.request_id)).toMatchObject({
      status: "upstream_unavailable",
      http_status: 502,
      chosen: null,
      ended_cleanly: 1,
    });
  });

  it("never passes invalid JSON on as a success", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-llama", await faultUpstream("invalid-json", "only"));
    const reply = await call("/v1/chat/completions", { key, body: chat({ model: "bench-llama" }) });
    expect(reply.status).toBe(502);
    expect(reply.text).not.toContain("<html>");
  });
});

describe("after the first byte, a broken stream ends honestly", () => {
  for (const [fault, error] of [
    ["cut", "broke off"],
    ["stall", "no data for 300 ms"],
    ["endless", "not finished within 600 ms"],
  ] as const) {
    it(`sends an error event then [DONE] when the stream is ${fault}`, async () => {
      const key = await faultFirst(fault, `after-${fault}`, tight);
      const reply = await call("/v1/chat/completions", { key, body: chat({ stream: true }) });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("x-switchyard-model")).toBe("bench-llama");
      const data = sseData(reply.text);
      expect(data.at(-1)).toBe("[DONE]");
      const last = JSON.parse(data.at(-2) as string) as ErrorReply;
      expect(last.error).toMatchObject({ type: "upstream_error", code: "upstream_stream_broken", param: null });
      expect(last.error.message).toContain("broke off");
      // Everything before the error event is the upstream's own, whole, checked events.
      for (const d of data.slice(0, -2)) expect(JSON.parse(d)).toHaveProperty("choices");
      const row = await decisionRow(reply.headers.get("x-switchyard-decision"));
      expect(row).toMatchObject({ chosen: "bench-llama", status: "upstream_broken", http_status: 200, ended_cleanly: 0 });
      expect(String(row.error)).toContain(error);
    });
  }
});

describe("timeouts", () => {
  it("lets a request shorten an upstream's budget with x-switchyard-timeouts", async () => {
    const key = await faultFirst("hang", "override");
    const reply = await call("/v1/chat/completions", { key, body: chat(), headers: { "x-switchyard-timeouts": "headers=150" } });
    expect(reply.headers.get("x-switchyard-model")).toBe("bench-bamba");
    expect(tried(await decisionRow(reply.headers.get("x-switchyard-decision")))[0]?.error).toBe("no response within 150 ms");
  });

  it("caps a request's budget at the upstream's own", async () => {
    const key = await faultFirst("hang", "capped", { timeoutMs: 200 });
    const reply = await call("/v1/chat/completions", { key, body: chat(), headers: { "x-switchyard-timeouts": "headers=60000" } });
    expect(tried(await decisionRow(reply.headers.get("x-switchyard-decision")))[0]?.error).toBe("no response within 200 ms");
  });

  it("refuses a malformed x-switchyard-timeouts with 400 naming the part", async () => {
    const key = await seedLibrary();
    for (const [header, param] of [["idle=soon", "x-switchyard-timeouts.idle"], ["nap=5", "x-switchyard-timeouts"]]) {
      const reply = await call("/v1/chat/completions", { key, body: chat(), headers: { "x-switchyard-timeouts": header as string } });
      expect(reply.status).toBe(400);
      expect(reply.json<ErrorReply>().error).toMatchObject({ code: "invalid_request", param });
    }
  });
});

describe("retries", () => {
  it("retries a busy upstream once after a backoff, since its Retry-After allows it", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-llama", await faultUpstream("busy", "retry"));
    const reply = await call("/v1/chat/completions", { key, body: chat({ model: "bench-llama" }) });
    expect(reply.status).toBe(502);
    expect(await faultHits("busy", "retry")).toBe(2);
  });

  it("does not retry within the request an upstream whose Retry-After is longer than the cap", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-llama", await faultUpstream("unavailable", "retry"));
    const reply = await call("/v1/chat/completions", { key, body: chat({ model: "bench-llama" }) });
    expect(reply.status).toBe(502);
    expect(await faultHits("unavailable", "retry")).toBe(1);
  });
});
