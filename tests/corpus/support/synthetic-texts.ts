/** Texts for the corpus tests: words from a large made-up vocabulary, so unrelated texts share no 5-gram. */
import fc from "fast-check";

export const VOCABULARY = 5000;

/** Word indices → a text of ten words to a line. */
export function wordsText(words: readonly number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 10) lines.push(words.slice(i, i + 10).map((w) => `w${w}`).join(" "));
  return `${lines.join("\n")}\n`;
}

/** A document's words: 60 to 240 of them (several hundred bytes to a couple of KB). */
export const wordsArb = fc.array(fc.integer({ min: 0, max: VOCABULARY - 1 }), { minLength: 60, maxLength: 240 });

/**
 * A near copy of `words`: one substitution per 60 words at most, so its shingle Jaccard with the original stays
 * ≥ 0.8, where a miss by the LSH index has a probability below 1e-7.
 */
export function nearCopyArb(words: readonly number[]): fc.Arbitrary<number[]> {
  const edits = fc.array(fc.tuple(fc.nat({ max: words.length - 1 }), fc.integer({ min: VOCABULARY, max: 2 * VOCABULARY })), {
    minLength: 1,
    maxLength: Math.max(1, Math.floor(words.length / 60)),
  });
  return edits.map((list) => {
    const copy = [...words];
    for (const [at, word] of list) copy[at] = word;
    return copy;
  });
}
