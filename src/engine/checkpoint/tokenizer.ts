import { Tokenizer } from "@huggingface/tokenizers";
import { CheckpointError } from "./checkpoint-error.ts";

/** Text ⇄ token ids for one checkpoint, as its tokenizer.json and tokenizer_config.json define them. */
export interface TextTokenizer {
  /** Token ids of `text`; `addSpecialTokens` (default true) applies the post-processor (e.g. a leading BOS). */
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  /** Text of `ids`; `skipSpecialTokens` drops special tokens (BOS, EOS, chat markers). */
  decode(ids: readonly number[], opts?: { skipSpecialTokens?: boolean }): string;
  /** ids run from 0 to vocabSize − 1 (model vocabulary plus added tokens) */
  vocabSize: number;
  bosTokenId: number | null;
  /** every id that ends a generation (tokenizer_config eos_token, plus any the checkpoint adds) */
  eosTokenIds: number[];
  tokenToId(token: string): number | null;
}

/** tokenizer_config.json names special tokens as a string or as an AddedToken object {content, …}. */
function tokenContent(value: unknown, key: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "object" && typeof (value as { content?: unknown }).content === "string") return (value as { content: string }).content;
  throw new CheckpointError(CONFIG, `${key} must be a string or an object with "content", got ${JSON.stringify(value)}`);
}

/** End-of-sequence ids from another file of the checkpoint, and that file's name (for errors). */
export interface ExtraEos {
  ids: readonly number[];
  file: string;
}

const JSON_FILE = "tokenizer.json";
const CONFIG = "tokenizer_config.json";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Builds a tokenizer from a parsed tokenizer.json (and tokenizer_config.json, when the checkpoint has one) with
 * the pure-JS @huggingface/tokenizers. Special tokens named by the config must exist in the vocabulary.
 * `extraEos` adds end ids that live in another file (generation_config.json). Problems throw CheckpointError
 * with the bare file name ("tokenizer.json" or "tokenizer_config.json"); loadCheckpoint adds the directory.
 * Decoding leaves `clean_up_tokenization_spaces` off unless the config turns it on (the transformers default),
 * so decode(encode(text)) gives the text back.
 * @example
 *   const tok = loadTokenizer(JSON.parse(tokenizerJson), JSON.parse(configJson));
 *   tok.decode(tok.encode("Hello", { addSpecialTokens: false })); // "Hello"
 */
export function loadTokenizer(tokenizerJson: object, tokenizerConfig: object | null, extraEos?: ExtraEos): TextTokenizer {
  if (!isObject(tokenizerJson) || !isObject(tokenizerJson.model)) throw new CheckpointError(JSON_FILE, 'not a tokenizer (no "model" object)');
  if (tokenizerConfig !== null && !isObject(tokenizerConfig)) throw new CheckpointError(CONFIG, "not a JSON object");
  const config: Record<string, unknown> = tokenizerConfig ?? {};
  let inner: Tokenizer;
  try {
    inner = new Tokenizer({ added_tokens: [], ...tokenizerJson }, config);
  } catch (err) {
    throw new CheckpointError(JSON_FILE, `cannot build the tokenizer: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Ids are dense in HF vocabularies; max + 1 also stays right if one is not.
  let vocabSize = 0;
  for (const id of inner.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);
  const idOf = (key: string): number | null => {
    const content = tokenContent(config[key], key);
    if (content === null) return null;
    const id = inner.token_to_id(content);
    if (id === undefined) throw new CheckpointError(CONFIG, `${key} ${JSON.stringify(content)} is not in tokenizer.json's vocabulary`);
    return id;
  };
  const bosTokenId = idOf("bos_token");
  const eos = idOf("eos_token");
  for (const id of extraEos?.ids ?? []) {
    if (!Number.isSafeInteger(id) || id < 0 || id >= vocabSize) {
      throw new CheckpointError(extraEos?.file ?? "", `eos_token_id ${id} is outside the tokenizer's ${vocabSize} ids`);
    }
  }
  const eosTokenIds = [...new Set([...(eos === null ? [] : [eos]), ...(extraEos?.ids ?? [])])];
  const cleanUp = config.clean_up_tokenization_spaces === true;

  return {
    vocabSize,
    bosTokenId,
    eosTokenIds,
    encode(text, opts) {
      return inner.encode(text, { add_special_tokens: opts?.addSpecialTokens ?? true }).ids;
    },
    decode(ids, opts) {
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new RangeError(`token id ${id} is outside the vocabulary (0..${vocabSize - 1})`);
      }
      // The library refuses an empty list; the text of no tokens is "".
      if (ids.length === 0) return "";
      return inner.decode([...ids], { skip_special_tokens: opts?.skipSpecialTokens ?? false, clean_up_tokenization_spaces: cleanUp });
    },
    tokenToId: (token) => inner.token_to_id(token) ?? null,
  };
}
