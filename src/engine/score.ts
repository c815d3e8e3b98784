import type { CausalLM } from "./models/causal-lm.ts";
import { PREFILL_SLICE } from "./models/decoder-stack.ts";

/** One token of a scored sequence. */
export interface TokenScore {
  id: number;
  /** the token alone, decoded (special tokens kept) */
  text: string;
  /** ln p(token | tokens before it); null for the first token, which nothing predicts */
  logprob: number | null;
}

/** Per-token log-probabilities of a sequence and its mean negative log-likelihood. */
export interface SequenceScore {
  tokens: TokenScore[];
  /** mean of −logprob over the scored tokens (all but the first), in nats */
  meanNll: number;
  /** tokens that have a logprob (length − 1) */
  scoredTokens: number;
}

/** Options of scoreSequence. */
export interface ScoreOptions {
  /** tokens per forward call: bounds the [chunk, vocab] logits held at once */
  chunkSize?: number;
  /** called between chunks; await it to let a server answer other requests meanwhile */
  pause?: () => Promise<void>;
}

/**
 * Scores `ids` under `model` (teacher forcing): the logprob of every token given the ones before it, and the
 * mean NLL over tokens 1..n−1 (what Tryage-style routing calls the model's loss on the text).
 * Runs in chunks so a long text never holds more than chunkSize rows of logits; the log-softmax is taken on the
 * backend and only the per-token logprobs are read back.
 * @example
 *   const { meanNll } = await scoreSequence(model, tokenizer.encode("Hello there"), (id) => tokenizer.decode([id]));
 */
export async function scoreSequence(
  model: CausalLM,
  ids: readonly number[],
  tokenText: (id: number) => string,
  opts: ScoreOptions = {},
): Promise<SequenceScore> {
  if (ids.length < 2) throw new RangeError(`scoring needs at least 2 tokens, got ${ids.length}`);
  const vocab = model.facts.vocabSize;
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new RangeError(`token id ${id} is outside the vocabulary (0..${vocab - 1})`);
  }
  const chunk = Math.min(PREFILL_SLICE, Math.max(1, opts.chunkSize ?? 256));
  const { ops } = model;
  const state = model.newState(ids.length);
  const logprobs: (number | null)[] = [null];
  // Row i of a chunk's logits predicts the token after position start + i.
  for (let start = 0; start < ids.length - 1; start += chunk) {
    const end = Math.min(start + chunk, ids.length - 1);
    const logits = model.forward(ids.slice(start, end), state, { allLogits: true }); // [piece, vocab]
    const targets = ops.tokens(ids.slice(start + 1, end + 1)); // [piece]
    for (const lp of await ops.read(ops.tokenLogprobs(logits, targets))) logprobs.push(lp);
    await opts.pause?.();
  }
  let nll = 0;
  for (const lp of logprobs) if (lp !== null) nll -= lp;
  const scoredTokens = ids.length - 1;
  return {
    tokens: ids.map((id, i) => ({ id, text: tokenText(id), logprob: logprobs[i] ?? null })),
    meanNll: nll / scoredTokens,
    scoredTokens,
  };
}
