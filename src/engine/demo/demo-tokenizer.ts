import { DEFAULT_CHAT_TEMPLATE } from "../checkpoint/chat-template.ts";
import { trainBytePairEncoding } from "./bpe-trainer.ts";
import { DEMO_CORPUS } from "./demo-corpus.ts";

/** The demo vocabulary: 256 byte tokens, the learned merges, then the special tokens, 512 ids in all. */
export const DEMO_VOCAB_SIZE = 512;
const SPECIALS = ["<|bos|>", "<|eos|>", "<|im_start|>", "<|im_end|>"] as const;
const MERGES = DEMO_VOCAB_SIZE - 256 - SPECIALS.length;

/** The files a Hugging Face tokenizer is saved as, plus the special ids the model config repeats. */
export interface DemoTokenizer {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  bosId: number;
  eosId: number;
  imEndId: number;
}

/**
 * Builds the demo tokenizer: byte-level BPE like GPT-2/Llama 3 (ByteLevel pre-tokenizer and decoder, so any text
 * round-trips), merges learned from DEMO_CORPUS, a post-processor that prepends <|bos|>, and the ChatML template.
 * Laid out as the Rust tokenizers library saves tokenizer.json, and as transformers saves tokenizer_config.json.
 */
export function buildDemoTokenizer(): DemoTokenizer {
  const { alphabet, merges } = trainBytePairEncoding(DEMO_CORPUS, MERGES);
  if (merges.length !== MERGES) throw new Error(`the demo corpus yields ${merges.length} merges, ${MERGES} needed`);
  const vocab: Record<string, number> = {};
  alphabet.forEach((symbol, byte) => {
    vocab[symbol] = byte;
  });
  for (const [a, b] of merges) vocab[a + b] = Object.keys(vocab).length;
  const firstSpecial = Object.keys(vocab).length;
  const ids = Object.fromEntries(SPECIALS.map((s, i) => [s, firstSpecial + i])) as Record<(typeof SPECIALS)[number], number>;
  for (const s of SPECIALS) vocab[s] = ids[s];
  if (Object.keys(vocab).length !== DEMO_VOCAB_SIZE) throw new Error("demo tokenizer: a merge repeated a token");

  const addedToken = (content: string) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  const bos = { SpecialToken: { id: "<|bos|>", type_id: 0 } };
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map(addedToken),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: {
      type: "TemplateProcessing",
      single: [bos, { Sequence: { id: "A", type_id: 0 } }],
      pair: [bos, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "<|bos|>", type_id: 1 } }, { Sequence: { id: "B", type_id: 1 } }],
      special_tokens: { "<|bos|>": { id: "<|bos|>", ids: [ids["<|bos|>"]], tokens: ["<|bos|>"] } },
    },
    decoder: { ...byteLevel, add_prefix_space: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
  const tokenizerConfig = {
    added_tokens_decoder: Object.fromEntries(
      SPECIALS.map((s) => [String(ids[s]), { content: s, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]),
    ),
    bos_token: "<|bos|>",
    chat_template: DEFAULT_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: "<|eos|>",
    extra_special_tokens: {},
    model_max_length: 32768,
    pad_token: "<|eos|>",
    tokenizer_class: "PreTrainedTokenizerFast",
  };
  return { tokenizerJson, tokenizerConfig, bosId: ids["<|bos|>"], eosId: ids["<|eos|>"], imEndId: ids["<|im_end|>"] };
}
