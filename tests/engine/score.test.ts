import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpuOps } from "../../src/engine/backends/cpu/index.ts";
import { loadCheckpoint } from "../../src/engine/checkpoint/load-checkpoint.ts";
import { createModel } from "../../src/engine/models/registry.ts";
import { scoreSequence } from "../../src/engine/score.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/reference");

/** A reference fixture: HF checkpoint plus transformers' mean NLL on its input ids. */
async function fixture(name: string) {
  const dir = join(FIXTURES, name);
  const ckpt = await loadCheckpoint(dir);
  const ref = JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as { input_ids: number[]; mean_nll: number };
  return { model: createModel(ckpt, cpuOps), tokenizer: ckpt.tokenizer, ref };
}

describe("scoreSequence", () => {
  it.each(["mamba", "mamba2", "llama", "bamba", "jamba"])("%s: mean NLL matches transformers' on the reference ids", async (name) => {
    const { model, tokenizer, ref } = await fixture(name);
    // A chunk size that does not divide the length exercises the state carried between chunks.
    const s = await scoreSequence(model, ref.input_ids, (id) => tokenizer.decode([id]), { chunkSize: 7 });
    expect(Math.abs(s.meanNll - ref.mean_nll)).toBeLessThan(1e-4 * ref.mean_nll);
    expect(s.scoredTokens).toBe(ref.input_ids.length - 1);
    expect(s.tokens.map((t) => t.id)).toEqual(ref.input_ids);
  });

  it("gives the first token no logprob and every other one a logprob ≤ 0", async () => {
    const { model, tokenizer, ref } = await fixture("llama");
    const s = await scoreSequence(model, ref.input_ids, (id) => tokenizer.decode([id]));
    expect(s.tokens[0]?.logprob).toBeNull();
    for (const t of s.tokens.slice(1)) expect(t.logprob).toBeLessThanOrEqual(0);
    const mean = -s.tokens.slice(1).reduce((a, t) => a + (t.logprob ?? 0), 0) / s.scoredTokens;
    expect(s.meanNll).toBeCloseTo(mean, 12);
  });

  it("does not depend on the chunk size", async () => {
    const { model, ref } = await fixture("bamba");
    const one = await scoreSequence(model, ref.input_ids, String, { chunkSize: 1 });
    const all = await scoreSequence(model, ref.input_ids, String, { chunkSize: 1024 });
    one.tokens.forEach((t, i) => expect(t.logprob ?? 0).toBeCloseTo(all.tokens[i]?.logprob ?? 0, 4));
  });

  it("refuses fewer than two tokens and ids outside the vocabulary", async () => {
    const { model } = await fixture("mamba");
    await expect(scoreSequence(model, [1], String)).rejects.toThrow(/at least 2 tokens/);
    await expect(scoreSequence(model, [1, model.facts.vocabSize], String)).rejects.toThrow(/outside the vocabulary/);
  });
});
