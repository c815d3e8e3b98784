import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpuOps } from "../../src/engine/backends/cpu/index.ts";
import { loadCheckpoint } from "../../src/engine/checkpoint/load-checkpoint.ts";
import { type Detokenizer, type GenerateOptions, type GenerationEvent, generate } from "../../src/engine/generate.ts";
import { createModel } from "../../src/engine/models/registry.ts";
import { createStopMatcher } from "../../src/engine/stop-sequences.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/reference");

interface Reference {
  greedy: { prompt_ids: number[]; new_ids: number[] };
}

async function fixture(name: string) {
  const dir = join(FIXTURES, name);
  const ckpt = await loadCheckpoint(dir);
  const ref = JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as Reference;
  return { model: createModel(ckpt, cpuOps), tokenizer: ckpt.tokenizer, ref };
}

type Done = Extract<GenerationEvent, { type: "done" }>;

/** Runs a generation to its end: the text as streamed, and the summary. */
async function run(f: Awaited<ReturnType<typeof fixture>>, prompt: number[], opts: Partial<GenerateOptions>) {
  let text = "";
  let done: Done | undefined;
  const options: GenerateOptions = { maxTokens: 16, sampling: { temperature: 0 }, stop: createStopMatcher([]), ...opts };
  for await (const ev of generate(f.model, f.tokenizer, prompt, options)) {
    if (ev.type === "text") text += ev.text;
    else done = ev;
  }
  if (!done) throw new Error("no summary");
  return { text, done };
}

describe("generate", () => {
  it.each(["mamba", "mamba2", "llama", "bamba", "jamba"])("%s: greedy decoding gives transformers' greedy tokens", async (name) => {
    const f = await fixture(name);
    const { done } = await run(f, f.ref.greedy.prompt_ids, { maxTokens: f.ref.greedy.new_ids.length, ignoreEos: true });
    expect(done.tokenIds).toEqual(f.ref.greedy.new_ids);
    expect(done.finishReason).toBe("length");
  });

  it("streams exactly the decoded text of the generated ids", async () => {
    const f = await fixture("llama");
    const prompt = f.tokenizer.encode("Once upon a time");
    const { text, done } = await run(f, prompt, { sampling: { temperature: 1, seed: 5 }, maxTokens: 24, ignoreEos: true });
    expect(text).toBe(f.tokenizer.decode(done.tokenIds, { skipSpecialTokens: true }));
  });

  it("repeats itself with the same seed and differs with another", async () => {
    const f = await fixture("bamba");
    const prompt = f.tokenizer.encode("Hello");
    const sampled = (seed: number) => run(f, prompt, { sampling: { temperature: 1, seed }, maxTokens: 24, ignoreEos: true });
    const [a, b, c] = [await sampled(42), await sampled(42), await sampled(43)];
    expect(a.done.tokenIds).toEqual(b.done.tokenIds);
    expect(a.done.tokenIds).not.toEqual(c.done.tokenIds);
  });

  it("stops at max_tokens with finish reason length and counts the tokens", async () => {
    const f = await fixture("mamba");
    const { done } = await run(f, [1, 2, 3], { maxTokens: 5, ignoreEos: true });
    expect(done).toMatchObject({ finishReason: "length", promptTokens: 3, completionTokens: 5 });
  });

  it("cuts the text before a stop sequence and ends with finish reason stop", async () => {
    const f = await fixture("mamba2");
    const prompt = f.tokenizer.encode("The weather today");
    const free = await run(f, prompt, { maxTokens: 24, ignoreEos: true });
    const stop = free.text.slice(4, 6);
    const cut = await run(f, prompt, { maxTokens: 24, ignoreEos: true, stop: createStopMatcher([stop]) });
    expect(cut.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
    expect(cut.done.finishReason).toBe("stop");
  });

  it("ends at an end-of-sequence token without emitting it", async () => {
    const f = await fixture("llama");
    const first = f.ref.greedy.new_ids[0] ?? 0;
    const tokenizer = { decode: f.tokenizer.decode.bind(f.tokenizer), eosTokenIds: [first], vocabSize: f.tokenizer.vocabSize };
    let done: Done | undefined;
    const opts: GenerateOptions = { maxTokens: 8, sampling: { temperature: 0 }, stop: createStopMatcher([]) };
    for await (const ev of generate(f.model, tokenizer, f.ref.greedy.prompt_ids, opts)) if (ev.type === "done") done = ev;
    expect(done).toMatchObject({ finishReason: "stop", completionTokens: 0, tokenIds: [] });
  });

  it("gives no text for ids past the tokenizer's vocabulary (padded embedding rows), as HF decodes them", async () => {
    const f = await fixture("llama");
    const full = await run(f, f.ref.greedy.prompt_ids, { maxTokens: 8, ignoreEos: true });
    // a tokenizer that knows only ids below every generated one: the model's extra rows have no text
    const floor = Math.min(...full.done.tokenIds);
    const tokenizer = { decode: f.tokenizer.decode.bind(f.tokenizer), eosTokenIds: [], vocabSize: floor };
    let text = "";
    let done: Done | undefined;
    const opts: GenerateOptions = { maxTokens: 8, sampling: { temperature: 0 }, stop: createStopMatcher([]), ignoreEos: true };
    for await (const ev of generate(f.model, tokenizer, f.ref.greedy.prompt_ids, opts)) {
      if (ev.type === "text") text += ev.text;
      else done = ev;
    }
    expect(text).toBe("");
    expect(done).toMatchObject({ completionTokens: 8, tokenIds: full.done.tokenIds });
  });

  it("gives the same tokens whatever the prefill chunk", async () => {
    const f = await fixture("jamba");
    const prompt = f.tokenizer.encode("A switchyard sorts the cars of many trains onto their tracks.");
    const whole = await run(f, prompt, { maxTokens: 12, ignoreEos: true, prefillChunk: 4096 });
    const sliced = await run(f, prompt, { maxTokens: 12, ignoreEos: true, prefillChunk: 5 });
    expect(sliced.done.tokenIds).toEqual(whole.done.tokenIds);
  });

  it("never runs past the context length", async () => {
    const f = await fixture("llama");
    const context = f.model.facts.contextLength;
    const prompt = Array.from({ length: context - 3 }, (_, i) => (i % 200) + 10);
    const { done } = await run(f, prompt, { maxTokens: 50, ignoreEos: true });
    expect(done).toMatchObject({ finishReason: "length", completionTokens: 3 });
    await expect(run(f, [...prompt, 1, 2, 3], {})).rejects.toThrow(/context/);
  });
});

describe("generate with several decode steps per read", () => {
  /** Every event of a generation, text and summary, in order. */
  async function events(f: Awaited<ReturnType<typeof fixture>>, prompt: number[], opts: Partial<GenerateOptions>, tokenizer: Detokenizer = f.tokenizer) {
    const out: GenerationEvent[] = [];
    const options: GenerateOptions = { maxTokens: 21, sampling: { temperature: 0 }, stop: createStopMatcher([]), ...opts };
    for await (const ev of generate(f.model, tokenizer, prompt, options)) out.push(ev);
    return out;
  }

  it("gives the events of one step per read, with max_tokens no multiple of the batch or below it", async () => {
    const f = await fixture("mamba2");
    const prompt = f.ref.greedy.prompt_ids;
    for (const maxTokens of [21, 5, 1]) {
      const sampling = { temperature: 1, topK: 40, seed: 3 };
      const want = await events(f, prompt, { maxTokens, sampling, ignoreEos: true, stepsPerRead: 1 });
      for (const k of [2, 3, 8]) expect(await events(f, prompt, { maxTokens, sampling, ignoreEos: true, stepsPerRead: k })).toEqual(want);
    }
  });

  it("ends at an end-of-sequence token inside a batch as at one step per read", async () => {
    const f = await fixture("llama");
    const ids = f.ref.greedy.new_ids;
    const at = ids.findIndex((id, i) => i >= 3 && ids.indexOf(id) === i);
    const tokenizer = { decode: f.tokenizer.decode.bind(f.tokenizer), eosTokenIds: [ids[at]!], vocabSize: f.tokenizer.vocabSize };
    const want = await events(f, f.ref.greedy.prompt_ids, { stepsPerRead: 1 }, tokenizer);
    expect(want.at(-1)).toMatchObject({ finishReason: "stop", completionTokens: at });
    expect(await events(f, f.ref.greedy.prompt_ids, { stepsPerRead: 8 }, tokenizer)).toEqual(want);
  });

  it("stops at a stop sequence inside a batch as at one step per read", async () => {
    const f = await fixture("mamba2");
    const prompt = f.tokenizer.encode("The weather today");
    const free = (await events(f, prompt, { ignoreEos: true })).flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
    const stop = free.slice(6, 8);
    const run = (k: number) => events(f, prompt, { ignoreEos: true, stop: createStopMatcher([stop]), stepsPerRead: k });
    const want = await run(1);
    expect(want.at(-1)).toMatchObject({ finishReason: "stop" });
    expect(await run(8)).toEqual(want);
  });

  it("awaits the pause once before each read after the first", async () => {
    const f = await fixture("mamba");
    let pauses = 0;
    const pause = async () => void (pauses += 1);
    await events(f, [1, 2, 3], { maxTokens: 21, ignoreEos: true, pause, stepsPerRead: 8 }); // reads of 1, 8, 8 and 4 tokens
    expect(pauses).toBe(3);
  });

  it("rejects a stepsPerRead that is not an integer ≥ 1", async () => {
    const f = await fixture("mamba");
    await expect(events(f, [1, 2, 3], { stepsPerRead: 0 })).rejects.toThrow(/stepsPerRead/);
    await expect(events(f, [1, 2, 3], { stepsPerRead: 2.5 })).rejects.toThrow(/stepsPerRead/);
  });
});
