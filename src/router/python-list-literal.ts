/**
 * Parses a Python list literal of string literals, e.g. `['a\nb', "it's"]`, as RouterBench stores its
 * prompts — without eval. Supports single/double quotes, adjacent-literal concatenation and the usual
 * escapes (\n \t \r \\ \' \" \xNN \uNNNN \UNNNNNNNN). Throws a message naming the offset on anything else.
 */
export function parsePythonStringList(src: string): string[] {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}`);
  };
  const skipSpace = () => {
    while (i < src.length && /\s/.test(src[i] ?? "")) i++;
  };
  const readString = (): string => {
    const quote = src[i];
    if (quote !== "'" && quote !== '"') return fail("expected a quoted string");
    i++;
    let out = "";
    for (;;) {
      if (i >= src.length) return fail("unterminated string");
      const ch = src[i++] ?? "";
      if (ch === quote) return out;
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const esc = src[i++] ?? "";
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "\n": "", a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };
      const hexLen = esc === "x" ? 2 : esc === "u" ? 4 : esc === "U" ? 8 : 0;
      if (hexLen > 0) {
        const hex = src.slice(i, i + hexLen);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLen) return fail(`bad \\${esc} escape`);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += hexLen;
      } else if (esc in simple) {
        out += simple[esc];
      } else {
        out += `\\${esc}`; // Python keeps unknown escapes verbatim
      }
    }
  };
  skipSpace();
  if (src[i] !== "[") fail("expected '['");
  i++;
  const items: string[] = [];
  skipSpace();
  if (src[i] === "]") i++;
  else {
    for (;;) {
      skipSpace();
      let item = readString();
      skipSpace();
      while (src[i] === "'" || src[i] === '"') {
        item += readString();
        skipSpace();
      }
      items.push(item);
      if (src[i] === ",") {
        i++;
        skipSpace();
        if (src[i] === "]") {
          i++;
          break;
        }
        continue;
      }
      if (src[i] === "]") {
        i++;
        break;
      }
      fail("expected ',' or ']'");
    }
  }
  skipSpace();
  if (i !== src.length) fail("trailing characters");
  return items;
}
