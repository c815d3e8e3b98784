import { describe, expect, it } from "vitest";
import { requestArguments, resolveEscapes } from "../../src/corpus/roff-escapes.ts";

describe("resolveEscapes", () => {
  it("drops font and size changes and keeps the text", () => {
    expect(resolveEscapes("\\fBbold\\fR, \\f(CWmono\\fP, \\f[I]it\\f[] and \\s-1small\\s0")).toBe("bold, mono, it and small");
  });

  it("turns named glyphs, strings and Unicode escapes into characters", () => {
    expect(resolveEscapes("a \\(em b \\[en] \\(lqq\\(rq \\*(lqs\\*(rq \\[u00E9] \\(co")).toBe("a — b – “q” “s” é ©");
  });

  it("keeps what the escapes of a character stand for, and drops zero-width ones", () => {
    expect(resolveEscapes("\\-\\-all \\e n a\\ b \\&.x \\%hy\\|phen")).toBe("--all \\ n a b .x hyphen");
  });

  it("drops escapes with an argument and comments", () => {
    expect(resolveEscapes("x\\h'-04'y\\n(.gz\\w'abc'w \\\" a comment")).toBe("xyzw ");
  });
});

describe("requestArguments", () => {
  it("splits on blanks and groups quoted words", () => {
    expect(requestArguments('"NAME OF" it "say ""hi"""')).toEqual(["NAME OF", "it", 'say "hi"']);
  });
});
