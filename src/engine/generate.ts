import { DecodeBatches } from "./decode-batches.ts";
import { type Detokenizer, IncrementalDecoder } from "./incremental-decoder.ts";
import type { CausalLM } from "./models/causal-lm.ts";
import type { SamplerOptions } from "./sampling.ts";
import type { StopMatcher } from "./stop-sequences.ts";

/** Options of one generation. */
export interface GenerateOptions {
  /** the most tokens to generate (generation also ends at the model's context length) */
  maxTokens: number;
  /** how each next token is drawn, on the model's backend */
  sampling: SamplerOptions;
  /** cuts the text at a stop sequence (createStopMatcher; one with no sequences never stops) */
  stop: StopMatcher;
  /** keep going past end-of-sequence tokens (benchmarks, load tests) */
  ignoreEos?: boolean;
  /**
   * awaited between prefill chunks and before each read of decode tokens (after the steps of a batch are
   * launched), so a server can interleave other requests and flush bytes
   */
  pause?: () => Promise<void>;
  /** prompt tokens per prefill forward call: bounds how long one call holds the thread (default 512) */
  prefillChunk?: number;
  /** the most tokens the model state holds (its KV-cache capacity); default: prompt + maxTokens */
  capacity?: number;
  /** decode steps between two reads of sampled tokens (default: the backend's Ops.stepsPerRead); same output */
  stepsPerRead?: number;
}

export type { Detokenizer };

export type FinishReason = "stop" | "length";

/** What generate() yields: text as it becomes final, then one summary. */
export type GenerationEvent =
  | { type: "text"; text: string }
  | { type: "done"; finishReason: FinishReason; promptTokens: number; completionTokens: number; tokenIds: number[] };

/**
 * Generates from `promptIds`: prefill forwards, then one device-resident decode step per token (the token is
 * sampled on the backend; only its id is read back, in batches of the backend's stepsPerRead: DecodeBatches),
 * ending at an EOS token, a stop sequence (both "stop"), max_tokens or the context length (both "length").
 * Tokens, text and counts do not depend on the batch size: the tokens of a batch after the end are dropped.
 * Stopping early (break out of for-await) frees everything; nothing outlives the generator.
 * @example
 *   for await (const ev of generate(model, tokenizer, ids, { maxTokens: 32, sampling: { temperature: 0 }, stop })) if (ev.type === "text") out += ev.text;
 */
export async function* generate(
  model: CausalLM,
  tokenizer: Detokenizer,
  promptIds: readonly number[],
  opts: GenerateOptions,
): AsyncGenerator<GenerationEvent, void, undefined> {
  const context = model.facts.contextLength;
  if (promptIds.length === 0) throw new RangeError("the prompt has no tokens");
  if (promptIds.length >= context) {
    throw new RangeError(`the prompt has ${promptIds.length} tokens; the model's context is ${context}`);
  }
  const eos = new Set(opts.ignoreEos ? [] : tokenizer.eosTokenIds);
  const decoder = new IncrementalDecoder(tokenizer);
  // Prompt plus generated tokens never exceed the context: the last sampled token needs a position too.
  const budget = Math.min(opts.maxTokens, context - promptIds.length);
  const state = model.newState(opts.capacity ?? Math.min(context, promptIds.length + Math.max(1, budget)));
  const { ops } = model;
  ops.configureSampler(state.next.sampler, opts.sampling);
  const chunk = Math.max(1, opts.prefillChunk ?? 512);
  for (let at = 0; at < promptIds.length; at += chunk) {
    if (at > 0) await opts.pause?.();
    const logits = model.forward(promptIds.slice(at, at + chunk), state); // [1, vocab]
    // logits live until the next forward on this backend: draw from them before anything else runs
    if (at + chunk >= promptIds.length) model.sample(logits, state);
  }
  const tokenIds: number[] = [];
  let generated = 0;
  let finishReason: FinishReason = "length";
  let stoppedBySequence = false;
  const batches = new DecodeBatches(model, state, opts.stepsPerRead);
  let first = true;
  decode: while (generated < budget) {
    // the first read follows prefill at once; the others come after their batch's steps and a pause
    const batch = await batches.next(budget - generated, first ? undefined : opts.pause);
    first = false;
    for (const next of batch) {
      // GPU samplers mark a row they cannot draw from (NaN logits, or all −∞) with −1
      if (next < 0) throw new RangeError("the model produced logits no token can be sampled from (NaN or all −Infinity)");
      if (eos.has(next)) {
        finishReason = "stop";
        break decode;
      }
      generated += 1;
      tokenIds.push(next);
      const { text, stopped } = opts.stop.push(decoder.push(next));
      if (text) yield { type: "text", text };
      if (stopped) {
        finishReason = "stop";
        stoppedBySequence = true;
        break decode;
      }
    }
  }
  if (!stoppedBySequence) {
    // the held-back end of a character the last token cut off, then what the stop matcher still holds
    const held = opts.stop.push(decoder.flush());
    if (held.stopped) finishReason = "stop";
    const tail = held.text + (held.stopped ? "" : opts.stop.flush());
    if (tail) yield { type: "text", text: tail };
  }
  yield { type: "done", finishReason, promptTokens: promptIds.length, completionTokens: generated, tokenIds };
}
