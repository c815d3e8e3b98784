/** Turns token ids back into text (a TextTokenizer satisfies it). */
export interface Detokenizer {
  decode(ids: readonly number[], opts?: { skipSpecialTokens?: boolean }): string;
  readonly eosTokenIds: readonly number[];
  /** ids the tokenizer knows: [0, vocabSize) */
  readonly vocabSize: number;
}

const OPTS = { skipSpecialTokens: true };

/**
 * Streams text for the ids generated so far. Decodes a short window (prefix offset / read offset, as HF's
 * streamers do) so multi-token characters and tokenizer spacing come out right without re-decoding everything.
 */
export class IncrementalDecoder {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;

  constructor(private readonly tokenizer: Detokenizer) {}

  /**
   * Adds one id; returns the text it completes ("" while a character is still partial). An id past the
   * tokenizer's vocabulary (a model's padded embedding rows) has no text, as in HF's decode.
   */
  push(id: number): string {
    if (id >= this.tokenizer.vocabSize) return "";
    this.ids.push(id);
    const { before, after } = this.window();
    // U+FFFD at the end means a UTF-8 sequence split across tokens: wait for the rest.
    if (after.length <= before.length || after.endsWith("\uFFFD")) return "";
    this.prefixOffset = this.readOffset;
    this.readOffset = this.ids.length;
    return after.slice(before.length);
  }

  /**
   * The text held back when generation ends: a character cut off by the last token keeps its bytes as U+FFFD,
   * as HF's decode of the whole sequence shows them, instead of vanishing.
   */
  flush(): string {
    const { before, after } = this.window();
    this.prefixOffset = this.readOffset = this.ids.length;
    return after.length > before.length ? after.slice(before.length) : "";
  }

  private window(): { before: string; after: string } {
    return {
      before: this.tokenizer.decode(this.ids.slice(this.prefixOffset, this.readOffset), OPTS),
      after: this.tokenizer.decode(this.ids.slice(this.prefixOffset), OPTS),
    };
  }
}
