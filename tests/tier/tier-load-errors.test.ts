// The tier refuses to start on a model with NaN weights, naming the directory and tensor, instead of serving
// it (before: /v1/score answered 200 with mean_nll null, completions 500).
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyFixture, rewriteSafetensors } from "../engine/checkpoint/edit-checkpoint.ts";
import { startTier } from "./tier-process.ts";

const made: { remove(): void }[] = [];
afterEach(() => {
  for (const copy of made.splice(0)) copy.remove();
});

describe("tier start-up", () => {
  it("exits naming the model directory and the tensor when a weight is NaN", async () => {
    const copy = copyFixture("llama");
    made.push(copy);
    const name = "model.layers.0.self_attn.q_proj.weight";
    rewriteSafetensors(join(copy.dir, "model.safetensors"), { name, index: 5, value: Number.NaN });
    const started = startTier(["--backend", "cpu", "--models", copy.dir]);
    await expect(started).rejects.toThrow(/tier exited with 1 before listening/);
    await expect(started).rejects.toThrow(`[tier] ${join(copy.dir, "model.safetensors")}: tensor "${name}": holds NaN at element 5`);
  });
});
