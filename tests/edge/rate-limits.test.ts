import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { admin, call, type ErrorReply, type Reply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

interface CreatedKey {
  id: string;
  key: string;
  limits: { requestsPerMinute: number | null; tokensPerMinute: number | null };
}

const limitedKey = (limits: Partial<CreatedKey["limits"]>) => admin<CreatedKey>("POST", "/keys", { name: "limited", limits });

/** A chat whose prompt the edge counts as `tokens` tokens (4 characters each). */
const chat = (tokens: number, stream = false) => ({
  model: "auto",
  stream,
  messages: [{ role: "user", content: "x".repeat(tokens * 4) }],
});

const complete = (key: string, body: unknown = chat(1)) => call("/v1/chat/completions", { key, body });

const decisionOf = async (reply: Reply) =>
  env.DB.prepare("SELECT status, http_status, chosen, error, key_id FROM decisions WHERE id = ?")
    .bind(reply.headers.get("x-request-id"))
    .first<{ status: string; http_status: number; chosen: string | null; error: string | null; key_id: string }>();

afterEach(() => {
  vi.useRealTimers();
});

describe("requests per minute", () => {
  it("answers a burst over the limit with 429 rate_limit_exceeded and a Retry-After, in the OpenAI shape", async () => {
    await seedLibrary();
    const { key } = await limitedKey({ requestsPerMinute: 3 });
    const burst = await Promise.all([1, 2, 3, 4, 5].map(() => complete(key)));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429]);
    for (const refused of burst.filter((r) => r.status === 429)) {
      expect(refused.json<ErrorReply>().error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded", param: null });
      expect(refused.json<ErrorReply>().error.message).toContain("3 requests per minute");
      // 3 per minute refill one every 20 s.
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(20);
    }
  });

  it("records a refused request in the decision log as rate_limited, with nothing sent upstream", async () => {
    await seedLibrary();
    const { id, key } = await limitedKey({ requestsPerMinute: 1 });
    expect((await complete(key)).status).toBe(200);
    const refused = await complete(key);
    expect(refused.status).toBe(429);
    expect(await decisionOf(refused)).toMatchObject({ status: "rate_limited", http_status: 429, chosen: null, key_id: id });
    expect((await decisionOf(refused))?.error).toContain("rate limit reached");
  });

  it("leaves other keys alone: an unlimited key, and a key with the same limit, are still served", async () => {
    const unlimited = await seedLibrary();
    const { key: busy } = await limitedKey({ requestsPerMinute: 2 });
    const { key: quiet } = await limitedKey({ requestsPerMinute: 2 });
    for (let i = 0; i < 3; i++) await complete(busy);
    expect((await complete(busy)).status).toBe(429);
    expect((await complete(quiet)).status).toBe(200);
    expect((await complete(unlimited)).status).toBe(200);
  });

  it("admits the key again once the Retry-After has passed", async () => {
    await seedLibrary();
    const { key } = await limitedKey({ requestsPerMinute: 2 });
    vi.useFakeTimers({ toFake: ["Date"] });
    for (let i = 0; i < 2; i++) expect((await complete(key)).status).toBe(200);
    const refused = await complete(key);
    expect(refused.status).toBe(429);
    vi.setSystemTime(Date.now() + Number(refused.headers.get("retry-after")) * 1000);
    expect((await complete(key)).status).toBe(200);
    expect((await complete(key)).status).toBe(429);
  });

  it("counts requests to /v1/route and /v1/models too", async () => {
    await seedLibrary();
    const { key } = await limitedKey({ requestsPerMinute: 2 });
    expect((await call("/v1/models", { key })).status).toBe(200);
    expect((await call("/v1/route", { key, body: { prompt: "hi" } })).status).toBe(200);
    const refused = await call("/v1/models", { key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).not.toBeNull();
  });
});

describe("tokens per minute", () => {
  it("counts the prompt's tokens before the call and the completion's tokens after it", async () => {
    await seedLibrary();
    // Two 45-token prompts leave 10 of 100 tokens, enough for a 4-token prompt, unless the two completions
    // (5 tokens each, from the upstream's usage: JSON, then SSE) were charged too. The clock stands still,
    // so nothing refills meanwhile.
    vi.useFakeTimers({ toFake: ["Date"] });
    const { key } = await limitedKey({ tokensPerMinute: 100 });
    expect((await complete(key, chat(45))).status).toBe(200);
    expect((await complete(key, chat(45, true))).status).toBe(200);
    const refused = await complete(key, chat(4));
    expect(refused.status).toBe(429);
    expect(refused.json<ErrorReply>().error.message).toContain("100 tokens per minute");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("refuses a prompt larger than a whole minute's tokens without a Retry-After, since waiting cannot help", async () => {
    await seedLibrary();
    const { key } = await limitedKey({ tokensPerMinute: 50 });
    const refused = await complete(key, chat(51));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(refused.json<ErrorReply>().error.message).toContain("can never be admitted");
    expect((await complete(key, chat(50))).status).toBe(200);
  });
});

describe("admin API for limits", () => {
  it("sets, shows and lifts a key's limits, and the edge enforces the new ones at once", async () => {
    await seedLibrary();
    const { id, key } = await admin<CreatedKey>("POST", "/keys", { name: "later-limited" });
    expect((await admin<CreatedKey>("GET", `/keys/${id}`)).limits).toEqual({ requestsPerMinute: null, tokensPerMinute: null });
    expect((await complete(key)).status).toBe(200);
    const set = await admin<CreatedKey>("PUT", `/keys/${id}/limits`, { requestsPerMinute: 1, tokensPerMinute: 10_000 });
    expect(set.limits).toEqual({ requestsPerMinute: 1, tokensPerMinute: 10_000 });
    expect((await complete(key)).status).toBe(200);
    expect((await complete(key)).status).toBe(429);
    await admin("PUT", `/keys/${id}/limits`, {});
    expect((await complete(key)).status).toBe(200);
  });

  it("refuses bad limits with a 400 naming the field, and an unknown key with a 404", async () => {
    await seedLibrary();
    const { id } = await admin<CreatedKey>("POST", "/keys", { name: "k" });
    for (const [body, param] of [
      [{ requestsPerMinute: 0 }, "requestsPerMinute"],
      [{ tokensPerMinute: 1.5 }, "tokensPerMinute"],
      [{ requestsPerMinute: "10" }, "requestsPerMinute"],
      [{ rpm: 10 }, "rpm"],
    ] as const) {
      const reply = await call(`/admin/keys/${id}/limits`, { method: "PUT", body, admin: true });
      expect(reply.status).toBe(400);
      expect(reply.json<ErrorReply>().error).toMatchObject({ code: "invalid_request", param });
    }
    const created = await call("/admin/keys", { body: { name: "k", limits: { requestsPerMinute: -1 } }, admin: true });
    expect(created.json<ErrorReply>().error).toMatchObject({ code: "invalid_request", param: "limits.requestsPerMinute" });
    const missing = await call("/admin/keys/key_nope/limits", { method: "PUT", body: { requestsPerMinute: 5 }, admin: true });
    expect(missing.status).toBe(404);
  });
});
