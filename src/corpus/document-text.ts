/**
 * A file's bytes → a corpus document's text: strict UTF-8, one newline convention, no control characters,
 * NFC, and a cap in bytes that cuts at a line end, so every machine that reads the same bytes writes the
 * same document.
 */

// fatal: a file that is not UTF-8 is left out rather than filled with U+FFFD; the default drops a BOM.
const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** The text of `bytes`, or null when they are not UTF-8 or hold a NUL (a binary file). */
export function decodeText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * One form for every text: LF line ends (CR LF and lone CR too), form and vertical feeds as line breaks,
 * other C0 controls and DEL dropped, no trailing blanks on a line, at most one blank line in a row, no blank
 * lines at either end, one final newline (none for an empty text), NFC last so the result is a fixed point.
 */
export function normaliseText(text: string): string {
  const body = text
    .replace(/\r\n?|[\f\v]/g, "\n")
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, "")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+/, "")
    .trimEnd()
    .normalize("NFC");
  return body === "" ? "" : `${body}\n`;
}

/** The text's size in UTF-8 bytes. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/**
 * The longest prefix of `text` within `maxBytes` UTF-8 bytes that ends at a line end (trailing blank lines
 * dropped), or, when its first line alone is longer, the longest prefix that ends on a character boundary.
 */
export function capBytes(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  const lastNewline = bytes.lastIndexOf(0x0a, maxBytes - 1);
  if (lastNewline > 0) {
    // Only newlines are trimmed, so the result stays a prefix of the text.
    const kept = utf8.decode(bytes.subarray(0, lastNewline)).replace(/\n+$/, "");
    if (kept !== "") return `${kept}\n`;
  }
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return utf8.decode(bytes.subarray(0, end));
}

/** Line shapes past which a text is taken to be written by a machine (minified, bundled, a data blob). */
export const MACHINE_LINES = { meanLineChars: 200, maxLineChars: 5000 } as const;

/** True when the text's lines are too long on average, or one is very long: minified code, inline data. */
export function looksMachineWritten(text: string): boolean {
  const lines = text.split("\n");
  const longest = lines.reduce((m, l) => Math.max(m, l.length), 0);
  return text.length / lines.length > MACHINE_LINES.meanLineChars || longest > MACHINE_LINES.maxLineChars;
}
