import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { renderChatTemplate } from "../../../src/engine/checkpoint/chat-template.ts";
import { loadCheckpoint } from "../../../src/engine/checkpoint/load-checkpoint.ts";
import { type DemoResult, makeDemoCheckpoints } from "../../../src/engine/demo/make-demo-checkpoints.ts";
import { createModel } from "../../../src/engine/models/registry.ts";

const out = mkdtempSync(join(tmpdir(), "switchyard-demo-"));
let first: DemoResult[];
beforeAll(async () => {
  first = await makeDemoCheckpoints(out);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** What scripts/reference/check_demo_checkpoints.py recorded with transformers for each demo. */
interface HfDemoReference {
  model_sha256: string;
  config_sha256: string;
  input_ids: number[];
  chat: string;
  last_logits: number[];
  greedy: number[];
}
const hf = JSON.parse(readFileSync(join(import.meta.dirname, "hf-reference.json"), "utf8")) as { text: string } & Record<string, HfDemoReference>;

describe("makeDemoCheckpoints", () => {
  it("writes an SSM, a hybrid and a Transformer with the HF class names", async () => {
    expect(first.map((r) => [r.name, r.status])).toEqual([
      ["demo-mamba", "written"],
      ["demo-bamba", "written"],
      ["demo-llama", "written"],
    ]);
    const kinds = await Promise.all(first.map(async (r) => (await loadCheckpoint(r.dir)).config));
    expect(kinds.map((c) => [c.architectures, c.model_type, c.dtype])).toEqual([
      [["MambaForCausalLM"], "mamba", "float32"],
      [["BambaForCausalLM"], "bamba", "float32"],
      [["LlamaForCausalLM"], "llama", "float32"],
    ]);
  });

  it("uses every config key transformers writes for the class, as in the HF-made reference fixtures", async () => {
    const fixtures = join(import.meta.dirname, "../../fixtures/reference");
    for (const [demo, fixture] of [["demo-mamba", "mamba"], ["demo-bamba", "bamba"], ["demo-llama", "llama"]]) {
      const keys = (dir: string) => Object.keys(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as object).sort();
      expect(keys(join(out, demo as string))).toEqual(keys(join(fixtures, fixture as string)));
    }
  });

  it("stores HF weight names and shapes, with HF's initial values where they are fixed", async () => {
    const mamba = await loadCheckpoint(join(out, "demo-mamba"));
    expect(mamba.tensors.get("backbone.layers.0.mixer.A_log", [512, 16]).data.slice(0, 3)).toEqual(new Float32Array([0, Math.log(2), Math.log(3)]));
    expect(mamba.tensors.get("backbone.layers.3.mixer.D", [512]).data.every((v) => v === 1)).toBe(true);
    expect(mamba.tensors.has("lm_head.weight")).toBe(false); // tied, as transformers saves it
    const dtBias = mamba.tensors.get("backbone.layers.0.mixer.dt_proj.bias", [512]).data;
    const dt = [...dtBias].map((b) => Math.log1p(Math.exp(b)));
    expect(Math.min(...dt)).toBeGreaterThanOrEqual(0.001 * 0.999);
    expect(Math.max(...dt)).toBeLessThanOrEqual(0.1 * 1.001);

    const bamba = await loadCheckpoint(join(out, "demo-bamba"));
    expect(bamba.tensors.get("model.layers.0.mamba.in_proj.weight", [512 + 576 + 8, 256]).shape).toEqual([1096, 256]);
    expect(bamba.tensors.get("model.layers.2.self_attn.k_proj.weight", [64, 256]).shape).toEqual([64, 256]);
    expect(bamba.tensors.has("model.layers.2.mamba.A_log")).toBe(false);
    expect([...bamba.tensors.get("model.layers.1.mamba.dt_bias", [8]).data]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);

    const llama = await loadCheckpoint(join(out, "demo-llama"));
    expect(llama.tensors.get("model.layers.3.self_attn.v_proj.weight", [2 * 32, 256]).shape).toEqual([64, 256]);
    const embed = llama.tensors.get("model.embed_tokens.weight", [512, 256]).data;
    const std = Math.sqrt(embed.reduce((s, v) => s + v * v, 0) / embed.length);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
  });

  it("ships a byte-level tokenizer that round-trips text and a chat template that tokenizes to its markers", async () => {
    const { tokenizer, chatTemplate } = await loadCheckpoint(join(out, "demo-llama"));
    expect(tokenizer.vocabSize).toBe(512);
    for (const text of ["The yard master watches the trains.", "naïve café — 東京 🚀\n\ttabs", "  spaces  "]) {
      const ids = tokenizer.encode(text);
      expect(ids[0]).toBe(tokenizer.bosTokenId);
      expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe(text);
    }
    expect(tokenizer.encode(" the train", { addSpecialTokens: false }).length).toBeLessThan(" the train".length);
    expect(tokenizer.eosTokenIds).toEqual([tokenizer.tokenToId("<|eos|>"), tokenizer.tokenToId("<|im_end|>")]);
    const prompt = renderChatTemplate(chatTemplate as string, { messages: [{ role: "user", content: "Hi" }], addGenerationPrompt: true, bosToken: "<|bos|>" });
    const ids = tokenizer.encode(prompt, { addSpecialTokens: false });
    expect(ids[0]).toBe(tokenizer.bosTokenId);
    expect(ids[1]).toBe(tokenizer.tokenToId("<|im_start|>"));
  });

  it("is deterministic and skips directories that are up to date, redoing a damaged one", async () => {
    const before = digest(join(out, "demo-bamba", "model.safetensors"));
    expect((await makeDemoCheckpoints(out)).map((r) => r.status)).toEqual(["up to date", "up to date", "up to date"]);
    truncateSync(join(out, "demo-bamba", "model.safetensors"), 1000);
    expect((await makeDemoCheckpoints(out)).map((r) => r.status)).toEqual(["up to date", "written", "up to date"]);
    expect(digest(join(out, "demo-bamba", "model.safetensors"))).toBe(before);
  });
});

describe("the demo checkpoints against transformers 5.17 (hf-reference.json)", () => {
  it.each([["demo-mamba"], ["demo-bamba"], ["demo-llama"]])(
    "%s: the bytes transformers re-saves, its token ids and chat prompt, its logits (1e-4) and greedy tokens",
    async (name) => {
      const ref = hf[name] as HfDemoReference;
      const dir = join(out, name);
      expect(digest(join(dir, "model.safetensors"))).toBe(ref.model_sha256);
      expect(digest(join(dir, "config.json"))).toBe(ref.config_sha256);
      const ckpt = await loadCheckpoint(dir);
      expect(ckpt.tokenizer.encode(hf.text)).toEqual(ref.input_ids);
      const chat = renderChatTemplate(ckpt.chatTemplate as string, { messages: [{ role: "user", content: "Hi" }], addGenerationPrompt: true, bosToken: "<|bos|>", eosToken: "<|eos|>" });
      expect(chat).toBe(ref.chat);

      const model = createModel(ckpt, cpuOps);
      const state = model.newState();
      let logits = await model.ops.read(model.forward(ref.input_ids, state));
      const off = ref.last_logits.map((b, v) => Math.abs((logits[v] as number) - b) / Math.max(1, Math.abs(b))).filter((e) => e > 1e-4);
      expect(off).toEqual([]);
      const greedy: number[] = [];
      for (let i = 0; i < ref.greedy.length; i++) {
        const next = logits.indexOf(Math.max(...logits));
        greedy.push(next);
        logits = await model.ops.read(model.forward([next], state));
      }
      expect(greedy).toEqual(ref.greedy);
    },
  );
});
