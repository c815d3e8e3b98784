import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedStatements } from "../../src/db/queries-seed.ts";
import { DEFAULT_SCOPES, LibraryFileSchema, type LibraryFile } from "../../src/db/records.ts";
import defaultLibrary from "../../src/db/seed/default-library.json";
import { DEV_API_KEY } from "../../src/db/seed/dev-credentials.ts";
import { sha256Hex } from "../../src/edge/sha256-hex.ts";
import { admin, call } from "./support/edge-call.ts";

// The SQL `switchyard library seed` hands to `wrangler d1 execute`, run here statement by statement.
async function seed(library: LibraryFile, withDevKey: boolean): Promise<void> {
  const key = withDevKey
    ? { id: "dev", hash: await sha256Hex(DEV_API_KEY), name: "local dev key", scopes: [...DEFAULT_SCOPES] }
    : undefined;
  for (const statement of seedStatements(library, Date.now(), key)) await env.DB.prepare(statement).run();
}

describe("library seed", () => {
  it("loads the default library and the dev key, and can run twice", async () => {
    const library = LibraryFileSchema.parse(defaultLibrary);
    await seed(library, true);
    await seed(library, true);
    const models = await admin<{ data: { id: string; enabled: boolean; upstream: string }[] }>("GET", "/models");
    expect(models.data.map((m) => [m.id, m.enabled, m.upstream])).toEqual([
      ["demo-bamba", false, "tier"],
      ["demo-llama", false, "tier"],
      ["demo-mamba", false, "tier"],
    ]);
    const policies = await admin<{ data: { name: string }[] }>("GET", "/policies");
    expect(policies.data.map((p) => p.name).sort()).toEqual(["cheap", "fast", "long-context", "small"]);
    expect((await call("/v1/models", { key: DEV_API_KEY })).status).toBe(200);
  });

  it("keeps a registered model enabled, with its measured calibration, when the library is seeded again", async () => {
    const library = LibraryFileSchema.parse(defaultLibrary);
    await seed(library, true);
    // what `tier register` does after `npm start` seeded: the tier's card, measured and enabled
    const calibration = { prefillTokPerS: 900, decodeTokPerS: 120, measuredAtTokens: 256 };
    const card = library.models.find((m) => m.id === "demo-llama");
    await admin("PUT", "/models/demo-llama", { ...card, enabled: true, calibration, priceInputPerMTok: 9 });
    await seed(library, true);
    const model = await admin<{ enabled: boolean; calibration: unknown; priceInputPerMTok: number }>("GET", "/models/demo-llama");
    expect(model).toMatchObject({ enabled: true, calibration, priceInputPerMTok: card?.priceInputPerMTok });
    const reply = await call("/v1/route", { key: DEV_API_KEY, body: { prompt: "hi" } });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ model: "demo-llama" });
    // a file that brings its own calibration wins over the stored one
    const recalibrated = { ...calibration, decodeTokPerS: 60 };
    await seed({ ...library, models: library.models.map((m) => (m.id === "demo-llama" ? { ...m, calibration: recalibrated } : m)) }, true);
    expect(await admin("GET", "/models/demo-llama")).toMatchObject({ enabled: true, calibration: recalibrated });
  });

  it("quotes text safely and keeps JSON values intact", async () => {
    const library = LibraryFileSchema.parse({
      upstreams: [{ id: "u", baseUrl: "http://127.0.0.1:1/v1" }],
      policies: [{ name: "q", flags: { deny: ["it's"], latency: 0.5 }, description: "O'Brien's; DROP TABLE models; --" }],
    });
    await seed(library, false);
    expect(await admin("GET", "/policies/q")).toEqual({
      name: "q",
      flags: { deny: ["it's"], latency: 0.5 },
      description: "O'Brien's; DROP TABLE models; --",
    });
  });

  it("refuses a library whose model names an unknown upstream", () => {
    const result = LibraryFileSchema.safeParse({ models: [{ ...defaultLibrary.models[0], upstream: "nowhere" }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["models", 0, "upstream"]);
  });
});
