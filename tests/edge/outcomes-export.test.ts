import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { NEXT_CURSOR_HEADER } from "../../src/edge/routes/admin-outcomes.ts";
import { OutcomeRecordSchema, readOutcomeRecords } from "../../src/router/read-records.ts";
import { admin, call, type ErrorReply, type Reply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

const KEEP = { STORE_PROMPTS: "true" };

// Every test files its feedback under its own source, so rows other tests left in D1 stay out of its pages.
const newSource = () => `t-${crypto.randomUUID().slice(0, 8)}`;

async function chat(key: string, content: string, vars: Record<string, string> = KEEP): Promise<string> {
  const reply = await call("/v1/chat/completions", { key, vars, body: { model: "auto", messages: [{ role: "user", content }] } });
  expect(reply.status).toBe(200);
  return reply.headers.get("x-switchyard-decision") ?? "";
}

async function feedback(key: string, body: Record<string, unknown>): Promise<Reply> {
  return call("/v1/feedback", { key, body });
}

async function exportPage(query: Record<string, string>): Promise<Reply> {
  return call(`/admin/outcomes/export?${new URLSearchParams(query)}`, { admin: true });
}

const lines = (reply: Reply) => reply.text.split("\n").filter((l) => l !== "");

describe("GET /admin/outcomes/export", () => {
  it("exports feedback on a kept prompt as a record `router train --records` reads", async () => {
    const key = await seedLibrary();
    const source = newSource();
    const scored = await chat(key, "Name a prime number.");
    const measured = await chat(key, "Spell cat.");
    expect((await feedback(key, { decision_id: scored, score: 0.75, source })).status).toBe(201);
    expect((await feedback(key, { decision_id: measured, loss: 1.5, source })).status).toBe(201);

    const reply = await exportPage({ source });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/x-ndjson");
    expect(reply.headers.get(NEXT_CURSOR_HEADER)).toBeNull();
    const records = lines(reply).map((l) => OutcomeRecordSchema.parse(JSON.parse(l)));
    expect(records).toEqual([
      { prompt: "Name a prime number.", model: "bench-llama", score: 0.75, task: "feedback" },
      { prompt: "Spell cat.", model: "bench-llama", loss: 1.5, task: "feedback" },
    ]);

    const set = readOutcomeRecords(reply.text, "export");
    expect(set.modelIds).toEqual(["bench-llama"]);
    expect(set.rows.map((r) => [r.prompt, r.task, r.scores[0]])).toEqual([
      ["Name a prime number.", "feedback", 0.75],
      ["Spell cat.", "feedback", Math.fround(Math.exp(-1.5))],
    ]);
  });

  it("omits outcomes of decisions whose prompt was not kept", async () => {
    const key = await seedLibrary();
    const source = newSource();
    const forgotten = await chat(key, "not kept", { STORE_PROMPTS: "false" });
    const kept = await chat(key, "kept");
    await feedback(key, { decision_id: forgotten, score: 1, source });
    await feedback(key, { decision_id: kept, score: 0, source });
    expect(await env.DB.prepare("SELECT prompt FROM decisions WHERE id = ?").bind(forgotten).first()).toEqual({ prompt: null });
    expect(lines(await exportPage({ source })).map((l) => JSON.parse(l) as unknown)).toEqual([
      { prompt: "kept", model: "bench-llama", score: 0, task: "feedback" },
    ]);
  });

  it("refuses feedback on another key's decision, so it never reaches the export", async () => {
    const key = await seedLibrary();
    const other = await admin<{ key: string }>("POST", "/keys", { name: "other" });
    const source = newSource();
    const decision = await chat(key, "mine");
    expect((await feedback(other.key, { decision_id: decision, score: 1, source })).status).toBe(404);
    expect((await exportPage({ source })).text).toBe("");
  });

  it("pages in creation order with a cursor until the last page, which has none", async () => {
    const key = await seedLibrary();
    const source = newSource();
    const scores = [0.1, 0.2, 0.3, 0.4, 0.5];
    for (const score of scores) {
      await feedback(key, { decision_id: await chat(key, `q${score}`), score, source });
    }
    const pages: number[][] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { source, limit: "2", ...(cursor ? { cursor } : {}) };
      const reply = await exportPage(query);
      expect(reply.status).toBe(200);
      pages.push(lines(reply).map((l) => OutcomeRecordSchema.parse(JSON.parse(l)).score ?? -1));
      cursor = reply.headers.get(NEXT_CURSOR_HEADER);
    } while (cursor !== null && pages.length < 10);
    expect(pages).toEqual([[0.1, 0.2], [0.3, 0.4], [0.5]]);
  });

  it("keeps outcomes of the same millisecond apart across pages, and `since` starts at a time", async () => {
    const key = await seedLibrary();
    const source = newSource();
    const decision = await chat(key, "same instant");
    const insert = env.DB.prepare("INSERT INTO outcomes (id, decision_id, score, loss, source, created_at) VALUES (?, ?, ?, NULL, ?, ?)");
    await env.DB.batch([
      insert.bind("out_t0", decision, 0.0, source, 1_000),
      insert.bind("out_t1", decision, 0.1, source, 2_000),
      insert.bind("out_t2", decision, 0.2, source, 2_000),
      insert.bind("out_t3", decision, 0.3, source, 2_000),
    ]);
    const first = await exportPage({ source, since: "2000", limit: "2" });
    expect(lines(first).map((l) => OutcomeRecordSchema.parse(JSON.parse(l)).score)).toEqual([0.1, 0.2]);
    expect(first.headers.get(NEXT_CURSOR_HEADER)).toBe("2000.out_t2");
    const second = await exportPage({ source, since: "2000", limit: "2", cursor: "2000.out_t2" });
    expect(lines(second).map((l) => OutcomeRecordSchema.parse(JSON.parse(l)).score)).toEqual([0.3]);
    expect(second.headers.get(NEXT_CURSOR_HEADER)).toBeNull();
  });

  it("answers 400 invalid_request for a limit outside 1..10000, a bad since or cursor, or an unknown parameter", async () => {
    for (const [query, param] of [
      [{ limit: "0" }, "limit"],
      [{ limit: "10001" }, "limit"],
      [{ limit: "ten" }, "limit"],
      [{ since: "-5" }, "since"],
      [{ cursor: "nonsense" }, "cursor"],
      [{ format: "csv" }, "format"],
    ] as const) {
      const reply = await exportPage(query);
      expect(reply.status, JSON.stringify(query)).toBe(400);
      expect(reply.json<ErrorReply>().error).toMatchObject({ type: "invalid_request_error", code: "invalid_request", param });
    }
  });

  it("answers 401 without a token and 403 for an API key in place of the admin token", async () => {
    const key = await seedLibrary();
    const none = await call("/admin/outcomes/export");
    expect(none.status).toBe(401);
    expect(none.json<ErrorReply>().error.code).toBe("missing_admin_token");
    const wrong = await call("/admin/outcomes/export", { key });
    expect(wrong.status).toBe(403);
    expect(wrong.json<ErrorReply>().error.code).toBe("invalid_admin_token");
  });
});
