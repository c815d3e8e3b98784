import { ByteLevelPreTokenizer } from "@huggingface/tokenizers";

/** A learned byte-level BPE: merges in rank order, and the byte alphabet the pieces are written in. */
export interface BytePairEncoding {
  /** the 256 byte symbols, indexed by byte value (GPT-2's printable byte mapping) */
  alphabet: string[];
  merges: [string, string][];
}

/**
 * Learns up to `count` BPE merges from `text`, the classic way (Sennrich et al. 2016): split text into words with
 * the same ByteLevel pre-tokenizer the tokenizer will use, then repeatedly merge the most frequent adjacent pair
 * (ties: the pair whose merged string sorts first), stopping early when no pair occurs twice. Deterministic.
 */
export function trainBytePairEncoding(text: string, count: number): BytePairEncoding {
  const pre = new ByteLevelPreTokenizer({ type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true });
  const alphabet = Array.from({ length: 256 }, (_, b) => pre.byte_encoder[b] as string);
  const symbols = [...alphabet];
  const idOf = new Map(alphabet.map((s, i) => [s, i]));
  const frequency = new Map<string, number>();
  for (const word of pre.pre_tokenize_text(text)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  // Words as symbol ids; pairs keyed a·2^16 + b (fewer than 2^16 symbols ever exist here).
  const words = [...frequency].map(([word, n]) => ({ ids: [...word].map((ch) => idOf.get(ch) as number), n }));

  const merges: [string, string][] = [];
  while (merges.length < count) {
    const pairs = new Map<number, number>();
    for (const { ids, n } of words) {
      for (let i = 0; i + 1 < ids.length; i++) {
        const key = (ids[i] as number) * 65536 + (ids[i + 1] as number);
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best = -1;
    let bestCount = 1;
    let bestText = "";
    for (const [key, n] of pairs) {
      if (n < bestCount) continue;
      const merged = (symbols[Math.floor(key / 65536)] as string) + (symbols[key % 65536] as string);
      if (n > bestCount || best === -1 || merged < bestText) {
        best = key;
        bestCount = n;
        bestText = merged;
      }
    }
    if (best === -1) break;
    const [a, b] = [Math.floor(best / 65536), best % 65536];
    merges.push([symbols[a] as string, symbols[b] as string]);
    const merged = symbols.length;
    symbols.push(bestText);
    for (const w of words) {
      const out: number[] = [];
      for (let i = 0; i < w.ids.length; i++) {
        if (w.ids[i] === a && w.ids[i + 1] === b) {
          out.push(merged);
          i += 1;
        } else out.push(w.ids[i] as number);
      }
      w.ids = out;
    }
  }
  return { alphabet, merges };
}
