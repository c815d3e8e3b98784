import { spawnSync } from "node:child_process";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeProcess, startEdge } from "../e2e/support/edge-process.ts";
import { type DemoModels, makeDemoModels } from "./demo-models.ts";
import { startTier, type TierProcess } from "./tier-process.ts";

const root = join(import.meta.dirname, "../..");

let demo: DemoModels;
let tier: TierProcess;
let edge: EdgeProcess;

beforeAll(async () => {
  demo = makeDemoModels();
  [tier, edge] = await Promise.all([startTier(["--models", demo.root, "--calibrate", "32"]), startEdge()]);
});

afterAll(async () => {
  await Promise.all([tier?.stop(), edge?.stop()]);
  demo?.remove();
});

/** Runs the real CLI: `switchyard tier register`. */
function register(): string {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(root, "src/cli/main.ts"), "tier", "register", "--edge", edge.url, "--tier", tier.baseUrl, "--admin-token", edge.adminToken],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`tier register failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

interface Listed {
  data: Record<string, unknown>[];
}

describe("switchyard tier register", () => {
  it("upserts the tier as an upstream and each tier model with its card", async () => {
    expect(register()).toMatch(/added\s+demo-mamba/);
    const upstream = (await edge.admin("GET", "/upstreams/tier")) as { baseUrl: string };
    expect(upstream.baseUrl).toBe(`${tier.baseUrl}/v1`);
    const tierModels = (await (await fetch(`${tier.baseUrl}/v1/models`)).json()) as { data: { id: string; card: Record<string, unknown> }[] };
    const edgeModels = (await edge.admin("GET", "/models")) as Listed;
    for (const { id, card } of tierModels.data) {
      const row = edgeModels.data.find((m) => m.id === id);
      expect(row).toMatchObject({ ...card, upstream: "tier", enabled: true });
      // --calibrate measured this machine's speed; the edge's cost model reads it from the card.
      expect(card.calibration).toMatchObject({ measuredAtTokens: 32, prefillTokPerS: expect.any(Number), decodeTokPerS: expect.any(Number) });
    }
  });

  it("keeps the prices and quality prior the edge already set when run again", async () => {
    const row = (await edge.admin("GET", "/models/demo-llama")) as Record<string, unknown>;
    await edge.admin("PUT", "/models/demo-llama", { ...row, qualityPrior: 0.9, priceOutputPerMTok: 2 });
    expect(register()).toMatch(/updated\s+demo-llama/);
    expect(await edge.admin("GET", "/models/demo-llama")).toMatchObject({ qualityPrior: 0.9, priceOutputPerMTok: 2, family: "transformer" });
  });

  it("gives the edge the tier's capabilities, so the edge refuses a tools request naming the field", async () => {
    register();
    expect(await edge.admin("GET", "/models/demo-llama")).toMatchObject({ capabilities: [] });
    const { key } = (await edge.admin("POST", "/keys", { name: "caps-test" })) as { key: string };
    const viaEdge = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: key, maxRetries: 0 });
    const tools = [{ type: "function" as const, function: { name: "weather", parameters: { type: "object", properties: {} } } }];
    const err = await viaEdge.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "Weather?" }], tools }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ code: "no_feasible_model", param: "tools" });
  });

  it("lets an openai client stream a chat reply from the tier through the edge", async () => {
    register();
    const { key } = (await edge.admin("POST", "/keys", { name: "tier-test" })) as { key: string };
    const viaEdge = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: key, maxRetries: 0 });
    const direct = new OpenAI({ baseURL: `${tier.baseUrl}/v1`, apiKey: "unused", maxRetries: 0 });
    const params = { model: "demo-bamba", messages: [{ role: "user" as const, content: "Hi there" }], max_tokens: 12, seed: 9 };
    let text = "";
    let chunks = 0;
    for await (const chunk of await viaEdge.chat.completions.create({ ...params, stream: true })) {
      text += chunk.choices[0]?.delta.content ?? "";
      chunks += 1;
    }
    const expected = (await direct.chat.completions.create(params)).choices[0]?.message.content;
    expect(text).toBe(expected);
    expect(chunks).toBeGreaterThan(1);
  });
});
