/**
 * `switchyard records export` against the edge as users run it (`wrangler dev` + local D1, STORE_PROMPTS=true):
 * chats through the official openai client, feedback on each, then the CLI pages the export into a file
 * that the router trainer's reader takes.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOutcomeRecords } from "../../src/router/read-records.ts";
import { benchLibrary } from "../e2e/support/bench-library.ts";
import { startEdge, WRANGLER_ENV, type EdgeProcess } from "../e2e/support/edge-process.ts";
import { startTestUpstream, type TestUpstream } from "../e2e/support/openai-upstream.ts";

const root = join(import.meta.dirname, "../..");
const run = promisify(execFile);

let edge: EdgeProcess;
let upstream: TestUpstream;
let dir: string;

/** The CLI as a user runs it; resolves with its exit code and output instead of throwing on failure. */
async function switchyard(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
      cwd: root,
      env: { ...WRANGLER_ENV, ADMIN_TOKEN: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "switchyard-records-"));
  upstream = await startTestUpstream({ name: "a" });
  edge = await startEdge({ STORE_PROMPTS: "true" });
  const llama = benchLibrary(upstream.baseUrl, "a").models.find((m) => m.id === "bench-llama");
  await edge.admin("PUT", "/upstreams/a", { baseUrl: upstream.baseUrl, secretName: null, timeoutMs: 5_000, weight: 1, enabled: true });
  await edge.admin("PUT", "/models/bench-llama", llama);
  const { key } = (await edge.admin("POST", "/keys", { name: "cli" })) as { key: string };
  const client = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: key, timeout: 15_000, maxRetries: 0 });
  for (const [content, score] of [["first question", 0.25], ["second question", 0.5], ["third question", 1]] as const) {
    const { response } = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content }] }).withResponse();
    const res = await fetch(`${edge.url}/v1/feedback`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ decision_id: response.headers.get("x-switchyard-decision"), score }),
    });
    if (res.status !== 201) throw new Error(`feedback: HTTP ${res.status} ${await res.text()}`);
  }
});

afterAll(async () => {
  await edge?.stop();
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("switchyard records export", () => {
  it("pages through the edge's export into a JSONL file that readOutcomeRecords reads", async () => {
    const out = join(dir, "feedback.jsonl");
    const r = await switchyard(["records", "export", "--edge", edge.url, "--admin-token", edge.adminToken, "--page-size", "2", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`exported 3 records in 2 pages to ${out}`);
    const set = readOutcomeRecords(await readFile(out, "utf8"), out);
    expect(set.skipped.total).toBe(0);
    expect(set.modelIds).toEqual(["bench-llama"]);
    expect(set.rows.map((row) => [row.prompt, row.task, row.scores[0]])).toEqual([
      ["first question", "feedback", 0.25],
      ["second question", "feedback", 0.5],
      ["third question", "feedback", 1],
    ]);
  });

  it("writes to stdout without --out, and `--since` past every outcome exports none", async () => {
    const all = await switchyard(["records", "export", "--edge", edge.url, "--admin-token", edge.adminToken]);
    expect(all.code, all.stderr).toBe(0);
    expect(readOutcomeRecords(all.stdout, "stdout").rows).toHaveLength(3);
    const later = await switchyard(["records", "export", "--edge", edge.url, "--admin-token", edge.adminToken, "--since", String(Date.now() + 60_000)]);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toBe("");
    expect(later.stderr).toContain("exported 0 records in 1 page");
  });

  it("fails with the edge's error on a wrong admin token and leaves no file behind", async () => {
    const out = join(dir, "refused.jsonl");
    const r = await switchyard(["records", "export", "--edge", edge.url, "--admin-token", "wrong", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("HTTP 403");
    expect(r.stderr).toContain("invalid_admin_token");
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
  });
});
