/** What one push of generated text yields. */
export interface StopStep {
  /** text that is final now: no stop sequence can start inside it */
  text: string;
  /** a stop sequence was hit; `text` ends right before it and later pushes yield nothing */
  stopped: boolean;
}

/** An incremental stop-sequence matcher over streamed text. */
export interface StopMatcher {
  push(piece: string): StopStep;
  /** The held-back tail once generation ends without a stop ("" after a stop). */
  flush(): string;
}

/** Length of the longest suffix of `text` that is a proper prefix of some stop sequence. */
function partialTail(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let k = Math.min(stop.length - 1, text.length); k > longest; k--) {
      if (text.endsWith(stop.slice(0, k))) {
        longest = k;
        break;
      }
    }
  }
  return longest;
}

/**
 * Cuts streamed text at the first stop sequence (OpenAI `stop`): the text before it is emitted, the sequence
 * itself is not. A tail that may still grow into a stop sequence is held back until the next piece settles it,
 * so matches across piece boundaries are found and nothing is emitted that must later be taken back.
 * @example
 *   const m = createStopMatcher(["\nUser:"]);
 *   m.push("Hi!\nUs");   // { text: "Hi!", stopped: false }  ("\nUs" held back)
 *   m.push("er: more");  // { text: "", stopped: true }
 */
export function createStopMatcher(stops: readonly string[]): StopMatcher {
  for (const s of stops) if (typeof s !== "string" || s.length === 0) throw new RangeError("stop sequences must be non-empty strings");
  let held = "";
  let stopped = false;
  return {
    push(piece) {
      if (stopped) return { text: "", stopped: true };
      const text = held + piece;
      let cut = -1;
      for (const stop of stops) {
        const at = text.indexOf(stop);
        if (at !== -1 && (cut === -1 || at < cut)) cut = at;
      }
      if (cut !== -1) {
        stopped = true;
        held = "";
        return { text: text.slice(0, cut), stopped: true };
      }
      const keep = partialTail(text, stops);
      held = text.slice(text.length - keep);
      return { text: text.slice(0, text.length - keep), stopped: false };
    },
    flush() {
      const tail = held;
      held = "";
      return tail;
    },
  };
}
