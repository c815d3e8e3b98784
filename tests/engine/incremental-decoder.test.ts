import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTokenizer } from "../../src/engine/checkpoint/tokenizer.ts";
import { IncrementalDecoder } from "../../src/engine/incremental-decoder.ts";

const FIXTURE = join(import.meta.dirname, "../fixtures/reference/llama");
const readJson = (name: string) => JSON.parse(readFileSync(join(FIXTURE, name), "utf8")) as object;
const tokenizer = loadTokenizer(readJson("tokenizer.json"), readJson("tokenizer_config.json"));

describe("IncrementalDecoder", () => {
  // the fixture's byte-level BPE knows no merge for these: each UTF-8 byte is its own token
  const text = "naïve 😀";
  const ids = tokenizer.encode(text, { addSpecialTokens: false });

  it("streams a text split across tokens mid-character exactly once", () => {
    const d = new IncrementalDecoder(tokenizer);
    expect(ids.map((id) => d.push(id)).join("") + d.flush()).toBe(text);
  });

  it("keeps the bytes of a character the last token cut off, as HF's decode shows them", () => {
    const cut = ids.slice(0, -1); // the emoji's last byte is missing
    const d = new IncrementalDecoder(tokenizer);
    const streamed = cut.map((id) => d.push(id)).join("");
    expect(streamed).toBe("naïve ");
    const tail = d.flush();
    expect(tail).not.toBe("");
    expect(streamed + tail).toBe(tokenizer.decode(cut, { skipSpecialTokens: true }));
  });

  it("gives no text for ids past the tokenizer's vocabulary", () => {
    const d = new IncrementalDecoder(tokenizer);
    expect(d.push(tokenizer.vocabSize + 3)).toBe("");
    expect(d.flush()).toBe("");
  });
});
