import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/edge/sha256-hex.ts";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

const route = { prompt: "hello" };

describe("API keys on /v1", () => {
  it("answers 401 missing_api_key without a key", async () => {
    const reply = await call("/v1/models");
    expect(reply.status).toBe(401);
    expect(reply.json<ErrorReply>().error).toMatchObject({ type: "authentication_error", code: "missing_api_key" });
  });

  it("answers 401 invalid_api_key for an unknown key", async () => {
    await seedLibrary();
    const reply = await call("/v1/models", { key: "sk-switchyard-not-a-key" });
    expect(reply.status).toBe(401);
    expect(reply.json<ErrorReply>().error.code).toBe("invalid_api_key");
  });

  it("stores only the SHA-256 of a key, never the key", async () => {
    await seedLibrary();
    const created = await admin<{ id: string; key: string }>("POST", "/keys", { name: "hashed" });
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(created.id).first();
    expect(row?.hash).toBe(await sha256Hex(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    const listed = await admin<{ data: Record<string, unknown>[] }>("GET", "/keys");
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(listed.data.find((k) => k.id === created.id)).not.toHaveProperty("hash");
  });

  it("refuses a key once it is revoked", async () => {
    await seedLibrary();
    const { id, key } = await admin<{ id: string; key: string }>("POST", "/keys", { name: "short-lived" });
    expect((await call("/v1/route", { key, body: route })).status).toBe(200);
    const revoked = await admin<{ revokedAt: number | null }>("DELETE", `/keys/${id}`);
    expect(revoked.revokedAt).toBeTypeOf("number");
    const reply = await call("/v1/route", { key, body: route });
    expect(reply.status).toBe(401);
    expect(reply.json<ErrorReply>().error.code).toBe("invalid_api_key");
  });

  it("answers 403 insufficient_scope for a key without the endpoint's scope", async () => {
    await seedLibrary();
    const { key } = await admin<{ key: string }>("POST", "/keys", { name: "route-only", scopes: ["route"] });
    expect((await call("/v1/route", { key, body: route })).status).toBe(200);
    const reply = await call("/v1/models", { key });
    expect(reply.status).toBe(403);
    expect(reply.json<ErrorReply>().error).toMatchObject({ type: "permission_error", code: "insufficient_scope" });
  });
});

describe("admin token on /admin", () => {
  it("answers 401 without a token", async () => {
    const reply = await call("/admin/models");
    expect(reply.status).toBe(401);
    expect(reply.json<ErrorReply>().error.code).toBe("missing_admin_token");
  });

  it("answers 403 for a wrong token, including an API key", async () => {
    const key = await seedLibrary();
    for (const token of ["wrong", key]) {
      const reply = await call("/admin/models", { headers: { authorization: `Bearer ${token}` } });
      expect(reply.status).toBe(403);
      expect(reply.json<ErrorReply>().error).toMatchObject({ type: "permission_error", code: "invalid_admin_token" });
    }
  });
});

describe("scopes", () => {
  it("needs the infer scope for completions", async () => {
    await seedLibrary();
    const { key } = await admin<{ key: string }>("POST", "/keys", { name: "route-only", scopes: ["route"] });
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto", messages: [{ role: "user", content: "hi" }] } });
    expect(reply.status).toBe(403);
    expect(reply.json<ErrorReply>().error.message).toContain('"infer"');
  });

  it("reads a key stored with the old scope name completions as infer", async () => {
    await seedLibrary();
    const { id, key } = await admin<{ id: string; key: string }>("POST", "/keys", { name: "legacy", scopes: ["route"] });
    await env.DB.prepare(`UPDATE api_keys SET scopes = '["completions"]' WHERE id = ?`).bind(id).run();
    const listed = await admin<{ scopes: string[] }>("GET", `/keys/${id}`);
    expect(listed.scopes).toEqual(["infer"]);
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto", messages: [{ role: "user", content: "hi" }] } });
    expect(reply.status).toBe(200);
  });

  it("gives a new key every scope but admin by default", async () => {
    await seedLibrary();
    const created = await admin<{ scopes: string[] }>("POST", "/keys", { name: "plain" });
    expect(created.scopes).toEqual(["infer", "route", "models", "feedback"]);
  });

  it("lets a key with the admin scope use /admin, and refuses one without it", async () => {
    await seedLibrary();
    const { key: adminKey } = await admin<{ key: string }>("POST", "/keys", { name: "ops", scopes: ["admin"] });
    const { key: plainKey } = await admin<{ key: string }>("POST", "/keys", { name: "app" });
    expect((await call("/admin/models", { headers: { authorization: `Bearer ${adminKey}` } })).status).toBe(200);
    const refused = await call("/admin/models", { headers: { authorization: `Bearer ${plainKey}` } });
    expect(refused.status).toBe(403);
    expect(refused.json<ErrorReply>().error.code).toBe("invalid_admin_token");
  });
});
