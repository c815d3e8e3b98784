// The card a tier serves (and `tier register` sends) counts a mixture of experts' per-token parameters.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpuOps } from "../../src/engine/backends/cpu/index.ts";
import { loadCheckpoint } from "../../src/engine/checkpoint/load-checkpoint.ts";
import { loadModelHost } from "../../src/engine/model-host.ts";
import { numel } from "../../src/engine/tensor.ts";
import { ModelCardSchema } from "../../src/routing/model-card.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/reference");

describe("loadModelHost card activeParams", () => {
  it("counts a Jamba's shared weights plus its top-k experts per MoE layer", async () => {
    // tests/fixtures/reference/jamba/config.json: 4 layers, MoE where i % 2 = 1 (layers 1 and 3), 4 experts,
    // 2 per token, hidden 64, intermediate 128. Each expert is gate + up + down = 3·64·128 = 24 576 params, so a
    // token leaves 2 layers × 2 experts × 24 576 = 98 304 params idle.
    const { card } = await loadModelHost(join(FIXTURES, "jamba"), cpuOps);
    expect(card.activeParams).toBe(card.params - 98_304);
    expect(card.activeParams).toBeLessThan(card.params);
    expect(ModelCardSchema.parse(card)).toEqual(card);
    // The same count from the checkpoint itself: half of all expert weights (2 of 4 per layer) sit idle.
    const { tensors } = await loadCheckpoint(join(FIXTURES, "jamba"));
    const expertWeights = tensors.names().filter((n) => /\.experts\.\d+\./.test(n)).reduce((s, n) => s + numel(tensors.get(n).shape), 0);
    expect(card.params - (card.activeParams ?? card.params)).toBe(expertWeights / 2);
  });

  it("leaves activeParams out of a dense model's card", async () => {
    const { card } = await loadModelHost(join(FIXTURES, "llama"), cpuOps);
    expect(card).not.toHaveProperty("activeParams");
  });
});
