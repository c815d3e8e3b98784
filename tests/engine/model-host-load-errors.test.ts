// A tier serving several models must say which directory, file and tensor is broken, and must refuse weights
// that hold NaN or Inf at load (served, they give NaN logits: a score of null, a 500 from sampling).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cpuOps } from "../../src/engine/backends/cpu/index.ts";
import { loadModelHost } from "../../src/engine/model-host.ts";
import { copyFixture, patchConfig, rewriteSafetensors } from "./checkpoint/edit-checkpoint.ts";

const made: { remove(): void }[] = [];
afterEach(() => {
  for (const copy of made.splice(0)) copy.remove();
});
const copyOf = (fixture: string): string => {
  const copy = copyFixture(fixture);
  made.push(copy);
  return copy.dir;
};

describe("loadModelHost refuses non-finite weights", () => {
  it("names the directory, the file and the tensor of a NaN in f32 weights", async () => {
    const dir = copyOf("llama");
    const name = "model.layers.1.mlp.down_proj.weight";
    rewriteSafetensors(join(dir, "model.safetensors"), { name, index: 7, value: Number.NaN });
    const load = loadModelHost(dir, cpuOps);
    await expect(load).rejects.toThrow(`${join(dir, "model.safetensors")}: tensor "${name}": holds NaN at element 7`);
    await expect(load).rejects.toThrow(/the weights are corrupt, or were saved from a run that diverged/);
  });

  it("refuses an Inf in bf16 weights, and -Inf in a norm the graph reads as a vector", async () => {
    const dir = copyOf("llama-bf16");
    rewriteSafetensors(join(dir, "model.safetensors"), { name: "model.embed_tokens.weight", index: 0, value: Infinity });
    await expect(loadModelHost(dir, cpuOps)).rejects.toThrow(/tensor "model\.embed_tokens\.weight": holds Infinity at element 0 of \d+ \(BF16\)/);
    const other = copyOf("llama");
    rewriteSafetensors(join(other, "model.safetensors"), { name: "model.norm.weight", index: 3, value: -Infinity });
    await expect(loadModelHost(other, cpuOps)).rejects.toThrow(/tensor "model\.norm\.weight": holds -Infinity at element 3/);
  });

  it("names the shard that holds the bad tensor of a sharded checkpoint", async () => {
    const dir = copyOf("jamba-sharded");
    const index = JSON.parse(readFileSync(join(dir, "model.safetensors.index.json"), "utf8")) as { weight_map: Record<string, string> };
    const [name, shard] = Object.entries(index.weight_map).find(([, f]) => f === "model-00004-of-00011.safetensors") as [string, string];
    rewriteSafetensors(join(dir, shard), { name, index: 0, value: Number.NaN });
    await expect(loadModelHost(dir, cpuOps)).rejects.toThrow(`${join(dir, shard)}: tensor "${name}": holds NaN`);
  });

  it("loads a checkpoint whose weights are large but finite", async () => {
    const dir = copyOf("llama");
    rewriteSafetensors(join(dir, "model.safetensors"), { name: "model.norm.weight", index: 3, value: 3.4e38 });
    expect((await loadModelHost(dir, cpuOps)).id).toBe("llama");
  });
});

describe("loadModelHost names the model directory in config and weight errors", () => {
  it("puts the directory in front of a config.json error", async () => {
    const dir = copyOf("llama");
    patchConfig(dir, { hidden_size: -64 });
    await expect(loadModelHost(dir, cpuOps)).rejects.toThrow(`${dir}: config.json: "hidden_size" must be ≥ 1, got -64 (LlamaForCausalLM)`);
  });

  it("puts the directory in front of an unsupported architecture", async () => {
    const dir = copyOf("mamba");
    patchConfig(dir, { architectures: ["GPT2LMHeadModel"] });
    await expect(loadModelHost(dir, cpuOps)).rejects.toThrow(`${dir}: config.json: architecture "GPT2LMHeadModel" is not supported`);
  });

  it("puts the directory in front of a tensor the graph does not use", async () => {
    const dir = copyOf("llama");
    rewriteSafetensors(join(dir, "model.safetensors"), { extra: ["model.extra.weight"] });
    await expect(loadModelHost(dir, cpuOps)).rejects.toThrow(`${dir}: checkpoint has 1 tensor the LlamaForCausalLM graph does not use: "model.extra.weight"`);
  });
});
