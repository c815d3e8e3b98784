import { describe, expect, it } from "vitest";
import { decide } from "../../src/routing/decide.ts";
import { FlagsSchema } from "../../src/routing/flags.ts";
import { ModelCardSchema, type ModelCard } from "../../src/routing/model-card.ts";

const base = {
  family: "transformer", architecture: "LlamaForCausalLM", params: 8_030_000_000, layers: 32, attentionLayers: 32,
  dModel: 4096, dInner: 0, dState: 0, kvHeads: 8, headDim: 128, contextLength: 8192, releasedAt: "2024-04-18",
  bytesPerParam: 2, priceInputPerMTok: 0.2, priceOutputPerMTok: 0.6, calibration: null,
};
const card = (id: string, qualityPrior: number, extra: object = {}): ModelCard =>
  ModelCardSchema.parse({ ...base, id, qualityPrior, ...extra });
const plain = card("plain", 0.9);
const toolUser = card("tool-user", 0.6, { capabilities: ["tools", "json_mode"] });
const seer = card("seer", 0.5, { capabilities: ["image_input", "logprobs", "tools"], contextLength: 131_072 });
const library = [plain, toolUser, seer];
const flags = FlagsSchema.parse({});
const now = new Date("2026-01-01T00:00:00Z");
const short = { promptTokens: 100, maxTokens: 256 };
const run = (extra: Partial<Parameters<typeof decide>[0]>) =>
  decide({ cards: library, quality: {}, flags, prompt: short, now, ...extra });

describe("model card capabilities", () => {
  it("default to none, and refuse an unknown or repeated one", () => {
    expect(plain.capabilities).toEqual([]);
    expect(ModelCardSchema.safeParse({ ...plain, capabilities: ["telepathy"] }).success).toBe(false);
    expect(ModelCardSchema.safeParse({ ...plain, capabilities: ["tools", "tools"] }).success).toBe(false);
  });
});

describe("decide with needs", () => {
  it("sends a tools request to the best model with tools and says why the others are out", () => {
    const d = run({ needs: ["tools"] });
    expect(d.chosen).toBe("tool-user");
    expect(d.excluded).toEqual([{ id: "plain", reasons: ["tools: no tool calling (the request uses tools or tool_choice)"] }]);
    expect(d.reasons).toContain("1 excluded by hard constraints (tools ×1)");
  });

  it("words each capability's exclusion after the flag and context reasons", () => {
    const d = run({ needs: ["json_schema", "logprobs", "image_input"], flags: FlagsSchema.parse({ max_params: 1e9 }), cards: [plain] });
    expect(d.excluded[0]?.reasons).toEqual([
      "max_params: 8.03B params > 1B",
      'json_schema: no structured output (the request uses response_format "json_schema")',
      "image_input: no image input (the request uses image_url content parts)",
      "logprobs: no logprobs (the request uses logprobs or top_logprobs)",
    ]);
  });

  it("opens a no-choice answer with the capability no model has", () => {
    const d = run({ needs: ["json_schema", "tools"], flags: FlagsSchema.parse({ deny: ["tool-user", "seer"] }) });
    expect(d.chosen).toBeNull();
    expect(d.reasons[0]).toBe('no model supports json_schema, which the request uses (response_format "json_schema")');
    expect(d.reasons[1]).toBe("no feasible model: all 3 excluded by hard constraints (json_schema ×3, deny ×2, tools ×1)");
  });

  it("counts max_tokens with the prompt against the context window", () => {
    const d = run({ prompt: { promptTokens: 8000, maxTokens: 500 } });
    expect(d.chosen).toBe("seer");
    expect(d.excluded.map((e) => e.reasons)).toEqual([
      ["context: window 8192 < 8500 tokens needed (prompt 8k + max_tokens 500)"],
      ["context: window 8192 < 8500 tokens needed (prompt 8k + max_tokens 500)"],
    ]);
  });
});

describe("decide with a models list", () => {
  it("picks the first feasible listed model over a better score, and falls back down the list", () => {
    const d = run({ list: ["seer", "plain"] });
    expect(d.chosen).toBe("seer");
    expect(d.candidates.map((c) => c.id)).toEqual(["seer", "plain"]);
    expect(d.reasons[0]).toMatch(/^seer: the first feasible model of the request's models list \(#1 of 2; score 0\.5\)$/);
    expect(d.reasons[1]).toBe("fallbacks in the list's order: plain");
    expect(d.excluded).toEqual([{ id: "tool-user", reasons: ['models: "tool-user" is not in the request\'s models list'] }]);
  });

  it("skips a listed model that is not in the library or lacks a need, each with its reason", () => {
    const d = run({ list: ["gpt-9", "plain", "tool-user"], needs: ["tools"] });
    expect(d.chosen).toBe("tool-user");
    expect(d.reasons[0]).toContain("(#3 of 3;");
    expect(d.excluded).toEqual([
      { id: "plain", reasons: ["tools: no tool calling (the request uses tools or tool_choice)"] },
      { id: "seer", reasons: ['models: "seer" is not in the request\'s models list'] },
      { id: "gpt-9", reasons: ['models: "gpt-9" is not an enabled library model'] },
    ]);
  });

  it("says no listed model has a capability when only an unlisted one does", () => {
    const d = run({ list: ["plain"], needs: ["image_input"] });
    expect(d.chosen).toBeNull();
    expect(d.reasons[0]).toBe("no listed model supports image_input, which the request uses (image_url content parts)");
  });

  it("refuses an id listed twice", () => {
    expect(() => run({ list: ["plain", "plain"] })).toThrow(/appears twice in the models list/);
  });
});
