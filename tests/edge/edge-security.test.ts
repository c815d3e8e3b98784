/**
 * Secrets and abuse: upstream secret names are confined to UPSTREAM_*, a canary secret never leaves the
 * edge (answers, logs, decision rows), unknown keys are cached negatively, and CORS is closed by default.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/edge/worker.ts";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { faultHits, faultUpstream, seedLibrary, serveFrom } from "./support/test-library.ts";
import { watchD1 } from "./support/watched-d1.ts";

const chat = (extra: Record<string, unknown> = {}) => ({ model: "bench-llama", messages: [{ role: "user", content: "ping" }], ...extra });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("upstream secrets", () => {
  it("refuses a secretName outside UPSTREAM_*, such as ADMIN_TOKEN", async () => {
    for (const secretName of ["ADMIN_TOKEN", "DB", "OPENAI_API_KEY"]) {
      const reply = await call("/admin/upstreams/sneaky", { method: "PUT", admin: true, body: { baseUrl: "http://127.0.0.1:1/v1", secretName } });
      expect(reply.status).toBe(400);
      expect(reply.json<ErrorReply>().error).toMatchObject({ code: "invalid_request", param: "secretName" });
    }
  });

  it("never sends a binding outside UPSTREAM_* even when an old row names one", async () => {
    const key = await seedLibrary();
    const upstream = await faultUpstream("echo-auth-400", "legacy");
    await serveFrom("bench-llama", upstream);
    // A row from before the UPSTREAM_* rule, written behind the admin API's back; an admin write then
    // drops the isolate's cached library so the request reads it.
    await env.DB.prepare("UPDATE upstreams SET secret_name = 'ADMIN_TOKEN' WHERE id = ?").bind(upstream).run();
    await admin("PUT", "/policies/flush", { flags: {} });
    const reply = await call("/v1/chat/completions", { key, body: chat() });
    expect(reply.status).toBe(502);
    expect(reply.text).not.toContain(env.ADMIN_TOKEN);
    expect(await faultHits("echo-auth-400", "legacy")).toBe(0);
  });

  it("keeps a canary secret out of every answer, log line and decision row, whatever the upstream does", async () => {
    const canary = env.UPSTREAM_CANARY_KEY;
    const logged: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    }
    const key = await seedLibrary();
    const answers: string[] = [];
    for (const fault of ["echo-auth-400", "echo-auth-401", "error500", "cut", "invalid-json", "healthy"] as const) {
      await serveFrom("bench-llama", await faultUpstream(fault, "canary", { secretName: "UPSTREAM_CANARY_KEY" }));
      for (const stream of [false, true]) {
        const reply = await call("/v1/chat/completions", { key, body: chat({ stream }) });
        answers.push(reply.text, JSON.stringify([...reply.headers]));
      }
    }
    // The careless upstream did get the key: it quoted it back, and the edge blanked it out.
    expect(answers.join("\n")).toContain("[redacted]");
    expect(answers.join("\n")).not.toContain(canary);
    expect(logged.join("\n")).not.toContain(canary);
    const rows = await env.DB.prepare("SELECT * FROM decisions").all();
    expect(JSON.stringify(rows.results)).not.toContain(canary);
  });

  it("names no upstream in a 502's message", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-llama", await faultUpstream("error500", "no-ids"));
    const reply = await call("/v1/chat/completions", { key, body: chat() });
    expect(reply.status).toBe(502);
    expect(reply.json<ErrorReply>().error.message).toBe("no model could answer (the upstream failed; the upstream failed)");
    expect(reply.text).not.toContain("error500-no-ids");
    expect(reply.text).not.toContain(env.UPSTREAMS.faults);
  });
});

describe("unknown API keys", () => {
  it("reads D1 once for a flood of the same wrong key", async () => {
    await seedLibrary();
    const watched = watchD1(env.DB);
    for (let i = 0; i < 50; i++) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request("http://edge.test/v1/models", { headers: { authorization: "Bearer sk-switchyard-wrong-flood" } }),
        { ...env, DB: watched.db },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(401);
    }
    expect(watched.statements.filter((s) => s.includes("api_keys"))).toHaveLength(1);
  });

  it("still refuses a revoked key on every later try", async () => {
    await seedLibrary();
    const { id, key } = await admin<{ id: string; key: string }>("POST", "/keys", { name: "flip" });
    expect((await call("/v1/models", { key })).status).toBe(200);
    await admin("DELETE", `/keys/${id}`);
    expect((await call("/v1/models", { key })).status).toBe(401);
    expect((await call("/v1/models", { key })).status).toBe(401);
  });
});

describe("CORS", () => {
  const preflight = (origin: string, vars: Record<string, string> = {}) =>
    call("/v1/chat/completions", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
      vars,
    });

  it("is closed by default: no CORS header, and a preflight is a 404", async () => {
    const key = await seedLibrary();
    const reply = await call("/v1/models", { key, headers: { origin: "https://evil.example" } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("access-control-allow-origin")).toBeNull();
    const pre = await preflight("https://evil.example");
    expect(pre.status).toBe(404);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("opens to the origins CORS_ORIGINS lists, and only to them", async () => {
    const key = await seedLibrary();
    const vars = { CORS_ORIGINS: "https://app.example, https://console.example" };
    const pre = await preflight("https://app.example", vars);
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
    const reply = await call("/v1/models", { key, headers: { origin: "https://console.example" }, vars });
    expect(reply.headers.get("access-control-allow-origin")).toBe("https://console.example");
    expect(reply.headers.get("access-control-expose-headers")).toContain("x-switchyard-decision");
    const other = await call("/v1/models", { key, headers: { origin: "https://evil.example" }, vars });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
