import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTokenizer } from "../../../src/engine/checkpoint/tokenizer.ts";

const FIXTURE = join(import.meta.dirname, "../../fixtures/reference/llama");
const readJson = (name: string) => JSON.parse(readFileSync(join(FIXTURE, name), "utf8")) as object;
// The text scripts/reference/make_reference.py encoded with the Rust tokenizers library.
const TEXT = "Long prompts are where Mamba and Llama part ways: attention grows, the state does not.";

describe("loadTokenizer", () => {
  const tok = loadTokenizer(readJson("tokenizer.json"), readJson("tokenizer_config.json"));
  const reference = JSON.parse(readFileSync(join(FIXTURE, "reference.json"), "utf8")) as { input_ids: number[] };

  it("encodes as the Rust tokenizers library did for the reference", () => {
    expect(tok.encode(TEXT).slice(0, reference.input_ids.length)).toEqual(reference.input_ids);
  });

  it("decodes back to the same text, unicode and odd spacing included", () => {
    for (const text of [TEXT, "  two  spaces , and ' quotes ' .", "naïve café — 東京 🚀", "line\nbreak\ttab"]) {
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
  });

  it("reads special tokens from tokenizer_config.json and can skip them when decoding", () => {
    expect(tok.bosTokenId).toBe(tok.tokenToId("<|endoftext|>"));
    expect(tok.eosTokenIds).toEqual([tok.tokenToId("<|im_end|>")]);
    const ids = tok.encode("<|im_start|>user\nhi<|im_end|>");
    expect(ids[0]).toBe(tok.tokenToId("<|im_start|>"));
    expect(tok.decode(ids)).toBe("<|im_start|>user\nhi<|im_end|>");
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe("user\nhi");
  });

  it("adds eos ids from another file, deduplicated", () => {
    const t = loadTokenizer(readJson("tokenizer.json"), readJson("tokenizer_config.json"), { ids: [0, 2], file: "generation_config.json" });
    expect(t.eosTokenIds).toEqual([2, 0]);
  });

  it("decodes no ids to the empty string and refuses ids outside the vocabulary", () => {
    expect(tok.vocabSize).toBe(320);
    expect(tok.decode([])).toBe("");
    expect(() => tok.decode([320])).toThrow("token id 320 is outside the vocabulary (0..319)");
    expect(tok.tokenToId("no such token")).toBeNull();
  });

  it("names tokenizer.json when it is not a tokenizer", () => {
    expect(() => loadTokenizer({ version: "1.0" }, null)).toThrow('tokenizer.json: not a tokenizer (no "model" object)');
    expect(() => loadTokenizer({ model: { type: "Nope" } }, null)).toThrow(/^tokenizer\.json: cannot build the tokenizer/);
  });
});
