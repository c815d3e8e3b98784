import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capBytes, decodeText, looksMachineWritten, normaliseText, utf8Bytes } from "../../src/corpus/document-text.ts";

const RUNS = { numRuns: 300 };
const encode = (s: string) => new TextEncoder().encode(s);
/** Text with the awkward parts: line ends of every kind, control characters, blanks, combining marks, emoji. */
const messyText = fc.array(fc.constantFrom("a", "é", "e\u0301", "😀", " ", "\t", "\n", "\r\n", "\r", "\f", "\u0001", "\u007f", "word", "\u00a0"), { maxLength: 60 }).map((p) => p.join(""));

describe("decodeText", () => {
  it("reads UTF-8 and drops a byte order mark", () => {
    expect(decodeText(encode("\ufeffhéllo"))).toBe("héllo");
  });

  it("refuses bytes that are not UTF-8", () => {
    expect(decodeText(Uint8Array.from([0x68, 0xe9, 0x6c]))).toBeNull();
  });

  it("refuses a file with a NUL byte", () => {
    expect(decodeText(Uint8Array.from([0x61, 0x00, 0x62]))).toBeNull();
  });
});

describe("normaliseText", () => {
  it("puts every line end, blank run and control character into one form", () => {
    expect(normaliseText("\n\n a \r\nb\t\rc\u0001d\f\n\n\n\ne  \n\n")).toBe(" a\nb\ncd\n\ne\n");
  });

  it("composes to NFC", () => {
    expect(normaliseText("e\u0301")).toBe("é\n");
  });

  it("gives nothing for a text of blanks", () => {
    expect(normaliseText(" \n\t\r\n")).toBe("");
  });

  it("is a fixed point, with LF line ends only, no trailing blanks and at most one blank line in a row", () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const once = normaliseText(text);
        expect(normaliseText(once)).toBe(once);
        expect(once).not.toMatch(/\r|[ \t]\n|\n\n\n/);
        expect(once === "" || (once.endsWith("\n") && !once.endsWith("\n\n") && !once.startsWith("\n"))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("capBytes", () => {
  it("leaves a text within the cap alone", () => {
    expect(capBytes("abc\n", 4)).toBe("abc\n");
  });

  it("cuts at the last line end that fits", () => {
    expect(capBytes("one\ntwo\nthree\n", 9)).toBe("one\ntwo\n");
  });

  it("cuts a single long line on a character boundary", () => {
    expect(capBytes("ééé", 5)).toBe("éé");
  });

  it("returns a prefix of the text within the cap", () => {
    fc.assert(
      fc.property(messyText.map(normaliseText), fc.integer({ min: 1, max: 80 }), (text, max) => {
        const cut = capBytes(text, max);
        expect(utf8Bytes(cut)).toBeLessThanOrEqual(max);
        expect(text.startsWith(cut)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("looksMachineWritten", () => {
  it("takes source with short lines for written by hand", () => {
    expect(looksMachineWritten("function f(a) {\n  return a + 1;\n}\n".repeat(50))).toBe(false);
  });

  it("takes minified code for written by a machine", () => {
    expect(looksMachineWritten(`${"var a=1;function b(c){return c}".repeat(40)}\n`)).toBe(true);
  });

  it("takes one very long line (inline data) for written by a machine", () => {
    expect(looksMachineWritten(`${"x\n".repeat(2000)}//# sourceMappingURL=data:${"A".repeat(6000)}\n`)).toBe(true);
  });
});
