import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CheckpointError } from "../../../src/engine/checkpoint/checkpoint-error.ts";
import { loadCheckpoint } from "../../../src/engine/checkpoint/load-checkpoint.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/reference");
const scratch = mkdtempSync(join(tmpdir(), "switchyard-ckpt-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** A private copy of a fixture directory that a test may break. */
function copyOf(name: string): string {
  const dir = join(scratch, `${name}-${copies++}`);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

async function loadError(dir: string): Promise<CheckpointError> {
  try {
    await loadCheckpoint(dir);
  } catch (err) {
    if (err instanceof CheckpointError) return err;
    throw err;
  }
  throw new Error("expected a CheckpointError");
}

/** A pattern for a message that starts with `path: problem`. */
const startingWith = (path: string, problem: string) => new RegExp(`^${`${path}: ${problem}`.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`);

function editJson(path: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

describe("loadCheckpoint", () => {
  it("loads a single-file checkpoint with its tokenizer, chat template and generation config", async () => {
    const dir = join(FIXTURES, "llama");
    const c = await loadCheckpoint(dir);
    expect(c.config.architectures).toEqual(["LlamaForCausalLM"]);
    expect(c.tensors.names()).toHaveLength(21);
    expect(c.tensors.get("model.embed_tokens.weight", [320, 64]).shape).toEqual([320, 64]);
    expect(c.chatTemplate).toContain("<|im_start|>");
    expect(c.generationConfig?.eos_token_id).toBe(0);
    // tokenizer_config's eos (<|im_end|>) plus generation_config's eos_token_id.
    expect(c.tokenizer.eosTokenIds).toEqual([2, 0]);
    expect(c.tokenizer.bosTokenId).toBe(0);
  });

  it("loads a sharded checkpoint to the same tensors as the single file", async () => {
    const single = await loadCheckpoint(join(FIXTURES, "jamba"));
    const sharded = await loadCheckpoint(join(FIXTURES, "jamba-sharded"));
    expect(sharded.tensors.names().sort()).toEqual(single.tensors.names().sort());
    const bytes = (t: { data: Float32Array }) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const differ = single.tensors.names().filter((n) => !bytes(sharded.tensors.get(n)).equals(bytes(single.tensors.get(n))));
    expect(differ).toEqual([]);
  });

  it("names file and tensor for a missing tensor and for a shape mismatch", async () => {
    const dir = join(FIXTURES, "llama");
    const { tensors } = await loadCheckpoint(dir);
    const file = join(dir, "model.safetensors");
    expect(() => tensors.get("model.layers.9.mlp.up_proj.weight")).toThrow(`${file}: tensor "model.layers.9.mlp.up_proj.weight": missing from the checkpoint`);
    expect(() => tensors.get("model.norm.weight", [32])).toThrow(`${file}: tensor "model.norm.weight": shape [64] does not match the expected [32]`);
  });

  it("names the shard and a tensor it should hold when a shard is missing", async () => {
    const dir = copyOf("jamba-sharded");
    unlinkSync(join(dir, "model-00003-of-00011.safetensors"));
    const e = await loadError(dir);
    expect(e.file).toBe(join(dir, "model-00003-of-00011.safetensors"));
    expect(e.tensor).toBeTypeOf("string");
    expect(e.message).toMatch(/shard is missing; model\.safetensors\.index\.json places \d+ tensors? in it/);
  });

  it("refuses an index that places a tensor in a shard that does not hold it", async () => {
    const dir = copyOf("jamba-sharded");
    const indexPath = join(dir, "model.safetensors.index.json");
    editJson(indexPath, (j) => {
      const map = j.weight_map as Record<string, string>;
      map["lm_head.weight"] = Object.values(map).find((f) => f !== map["lm_head.weight"]) as string;
    });
    const e = await loadError(dir);
    expect(e.tensor).toBe("lm_head.weight");
    expect(e.message).toContain("the shard does not hold it");
  });

  it("refuses a shard tensor the index does not list", async () => {
    const dir = copyOf("jamba-sharded");
    editJson(join(dir, "model.safetensors.index.json"), (j) => {
      delete (j.weight_map as Record<string, string>)["lm_head.weight"];
    });
    const e = await loadError(dir);
    expect(e.tensor).toBe("lm_head.weight");
    expect(e.message).toContain("not listed in model.safetensors.index.json");
  });

  it("refuses an index that points outside the directory", async () => {
    const dir = copyOf("jamba-sharded");
    editJson(join(dir, "model.safetensors.index.json"), (j) => {
      (j.weight_map as Record<string, string>)["lm_head.weight"] = "../elsewhere.safetensors";
    });
    expect((await loadError(dir)).message).toContain('weight_map entry "../elsewhere.safetensors" is not a file name in this directory');
  });

  it("names a truncated weights file", async () => {
    const dir = copyOf("mamba");
    const file = join(dir, "model.safetensors");
    truncateSync(file, 100_000);
    const e = await loadError(dir);
    expect(e.file).toBe(file);
    expect(e.message).toContain("run past the");
  });

  it("names a missing or unparsable config.json", async () => {
    const dir = copyOf("mamba");
    writeFileSync(join(dir, "config.json"), '{"architectures": ["MambaForCausalLM"],');
    expect((await loadError(dir)).message).toMatch(startingWith(join(dir, "config.json"), "is not valid JSON"));
    unlinkSync(join(dir, "config.json"));
    expect((await loadError(dir)).message).toBe(`${join(dir, "config.json")}: is missing`);
  });

  it("reads the bare Infinity older transformers wrote into configs", async () => {
    const dir = copyOf("mamba2");
    const path = join(dir, "config.json");
    writeFileSync(path, readFileSync(path, "utf8").replace('{\n      "__float__": "Infinity"\n    }', "Infinity"));
    expect(readFileSync(path, "utf8")).toContain("Infinity\n");
    expect((await loadCheckpoint(dir)).config.time_step_limit).toEqual([0, { __float__: "Infinity" }]);
  });

  it("requires weights", async () => {
    const dir = copyOf("mamba");
    unlinkSync(join(dir, "model.safetensors"));
    expect((await loadError(dir)).message).toBe(`${dir}: has no model.safetensors nor model.safetensors.index.json (only safetensors weights are supported)`);
  });

  it("requires tokenizer.json unless told it is optional", async () => {
    const dir = copyOf("mamba");
    unlinkSync(join(dir, "tokenizer.json"));
    expect((await loadError(dir)).message).toBe(`${join(dir, "tokenizer.json")}: is missing`);
    expect((await loadCheckpoint(dir, { tokenizer: "optional" })).tokenizer).toBeNull();
  });

  it("names tokenizer.json when it is not valid JSON or not a tokenizer", async () => {
    const dir = copyOf("mamba");
    const path = join(dir, "tokenizer.json");
    writeFileSync(path, "{ broken");
    expect((await loadError(dir)).message).toMatch(startingWith(path, "is not valid JSON"));
    writeFileSync(path, JSON.stringify({ model: { type: "WordPiece2" } }));
    expect((await loadError(dir)).message).toMatch(startingWith(path, "cannot build the tokenizer"));
  });

  it("names tokenizer_config.json when a special token is not in the vocabulary", async () => {
    const dir = copyOf("mamba");
    editJson(join(dir, "tokenizer_config.json"), (j) => {
      j.bos_token = "<s>";
    });
    expect((await loadError(dir)).message).toBe(`${join(dir, "tokenizer_config.json")}: bos_token "<s>" is not in tokenizer.json's vocabulary`);
  });

  it("names generation_config.json when an eos id is outside the vocabulary", async () => {
    const dir = copyOf("mamba");
    editJson(join(dir, "generation_config.json"), (j) => {
      j.eos_token_id = [0, 4000];
    });
    expect((await loadError(dir)).message).toBe(`${join(dir, "generation_config.json")}: eos_token_id 4000 is outside the tokenizer's 320 ids`);
  });

  it("prefers chat_template.jinja over tokenizer_config.json, and picks the default of named templates", async () => {
    const dir = copyOf("mamba");
    editJson(join(dir, "tokenizer_config.json"), (j) => {
      j.chat_template = [{ name: "tool_use", template: "T" }, { name: "default", template: "D" }];
    });
    expect((await loadCheckpoint(dir)).chatTemplate).toBe("D");
    writeFileSync(join(dir, "chat_template.jinja"), "J");
    expect((await loadCheckpoint(dir)).chatTemplate).toBe("J");
  });
});
