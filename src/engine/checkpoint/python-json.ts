/**
 * Parses JSON as Python's json module writes it. transformers < 5 saved non-finite floats as bare `Infinity`,
 * `-Infinity` and `NaN` (e.g. Mamba-2 and Bamba `time_step_limit`), which JSON.parse rejects; we rewrite those
 * tokens, outside strings, into the {"__float__": "Infinity"} form transformers ≥ 5 writes, so config readers
 * see one encoding. Throws SyntaxError like JSON.parse.
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    const rewritten = rewriteNonFinite(text);
    if (rewritten === text) throw first;
    return JSON.parse(rewritten);
  }
}

// -Infinity before Infinity, so the sign is kept.
const TOKENS: readonly string[] = ["-Infinity", "Infinity", "NaN"];

function rewriteNonFinite(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      // Copy a string literal through, escapes included.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const hit = TOKENS.find((token) => text.startsWith(token, i));
    if (hit) {
      out += `{"__float__":"${hit}"}`;
      i += hit.length;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}
