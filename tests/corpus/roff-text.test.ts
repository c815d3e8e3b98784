import { describe, expect, it } from "vitest";
import { normaliseText } from "../../src/corpus/document-text.ts";
import { FILL_WIDTH, roffToText } from "../../src/corpus/roff-text.ts";

const page = (...lines: string[]) => normaliseText(roffToText(lines.join("\n")));

describe("roffToText (man macros)", () => {
  it("puts headings on lines of their own, between blank lines, and fills paragraphs", () => {
    expect(page(".TH LS 1", ".SH NAME", "ls \\- list", "directory contents", ".SH DESCRIPTION", ".PP", "First.", ".PP", "Second.")).toBe(
      "NAME\n\nls - list directory contents\n\nDESCRIPTION\n\nFirst.\n\nSecond.\n",
    );
  });

  it("wraps a filled paragraph at the fill width", () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`);
    const lines = page(words.join(" ")).trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(FILL_WIDTH);
    expect(lines.join(" ")).toBe(words.join(" "));
  });

  it("leaves a blank line for .sp and breaks the line for .br", () => {
    expect(page("one", ".sp", "two", ".br", "three")).toBe("one\n\ntwo\nthree\n");
  });

  it("keeps the lines of a no-fill block", () => {
    expect(page("Example:", ".nf", "  a  b", "c", ".fi", "after")).toBe("Example:\n  a  b\nc\nafter\n");
  });

  it("joins font macros' arguments: spaced for B and I, unspaced for the alternating ones", () => {
    expect(page("see", ".BR ls (1)", "and", ".B two words", "now")).toBe("see ls(1) and two words now\n");
  });

  it("puts a .TP or .IP tag on its own line before the item's text", () => {
    expect(page(".TP", "\\fB\\-a\\fR", "all entries", ".IP \\(bu 2", "a bullet")).toBe("-a\nall entries\n\n•\na bullet\n");
  });

  it("takes the nroff branch of a conditional, on one line or as a block", () => {
    expect(page(".ie n .IP \"nroff tag\" 4", ".el .IP \"troff tag\" 4", ".if t \\{\\", "troff only", ".\\}", ".if n \\{\\", "nroff text", ".\\}")).toBe(
      "nroff tag\nnroff text\n",
    );
  });

  it("skips macro definitions, ignored blocks, pictures and equations", () => {
    expect(page(".de XX", "defined text", "..", "kept", ".ig", "ignored", "..", ".PS", "box", ".PE", ".EQ", "x sup 2", ".EN", "end")).toBe("kept end\n");
  });

  it("drops layout requests, comments and index entries", () => {
    expect(page('.\\" a comment', ".ft B", ".nr X 1", '.IX Item "x"', "text", ".in +4", "more")).toBe("text\nmore\n");
  });

  it("keeps a table's rows and drops its format and rules", () => {
    expect(page(".TS", "allbox;", "l l.", "a\tb", "_", "T{", "long cell", "T}\tc", ".TE")).toBe("a\tb\nlong cell\n\tc\n");
  });

  it("joins a line that ends in an escaped newline to the next", () => {
    expect(page(".nf", '.BI "size_t f(char " dest ", \\', 'const char " src );', ".fi")).toBe("size_t f(char dest, const char src);\n");
  });

  it("gives nothing for a page that only sources another", () => {
    expect(page(".so man1/other.1")).toBe("");
  });
});

describe("roffToText (mdoc macros)", () => {
  it("renders a name, its description, flags, arguments and cross references", () => {
    expect(page(".Dd May 1, 2024", ".Dt SSH 1", ".Os", ".Sh NAME", ".Nm ssh", ".Nd remote login", ".Sh SYNOPSIS", ".Nm", ".Op Fl v", ".Ar destination", ".Pp", "See", ".Xr scp 1 ."))
      .toBe("NAME\n\nssh — remote login\n\nSYNOPSIS\n\nssh [-v] destination\n\nSee scp(1).\n");
  });

  it("joins words with no space while .Sm is off, and after Ns", () => {
    expect(page("as", ".Sm off", ".Oo user @ Oc host Op : port .", ".Sm on", "or", ".Ux Ns -domain")).toBe("as [user@]host[:port]. or UNIX-domain\n");
  });
});
