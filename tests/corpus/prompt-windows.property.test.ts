import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_WINDOWS, lineWindows, promptRecords, promptSplitOf } from "../../src/corpus/prompt-windows.ts";
import type { CorpusDomain } from "../../src/corpus/select-documents.ts";

const lineArb = fc.string({ unit: "grapheme", maxLength: 90 });
const textArb = fc.array(lineArb, { maxLength: 60 }).map((lines) => lines.join("\n"));
const docArb = fc.record({
  id: fc.string({ minLength: 1, maxLength: 20 }),
  domain: fc.constantFrom<CorpusDomain>("code", "python", "prose", "legal"),
  text: textArb,
});

/** The document of a prompt id `<document id>#<k>` (a document id may itself hold "#"). */
const docOf = (id: string) => id.slice(0, id.lastIndexOf("#"));

describe("lineWindows", () => {
  it("cuts the text into consecutive windows of whole lines, none longer than asked", () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 300 }), (text, max) => {
        const windows = lineWindows(text, max);
        expect(windows.join("")).toBe(text);
        for (const [i, w] of windows.entries()) {
          expect(w.length).toBeGreaterThan(0);
          expect(w.length).toBeLessThanOrEqual(max);
          // a window ends at a line end unless it is the last or a line alone was longer than a window
          if (i < windows.length - 1 && !w.endsWith("\n")) expect(w.includes("\n")).toBe(false);
        }
      }),
    );
  });

  it("never splits a surrogate pair when it has to cut inside a line", () => {
    const windows = lineWindows("😀".repeat(10), 5);
    expect(windows.join("")).toBe("😀".repeat(10));
    for (const w of windows) expect(w).toMatch(/^(?:😀)+$/u);
  });
});

describe("promptRecords", () => {
  it("puts every document whole into one split, keeps each prompt inside its document, and is deterministic", () => {
    fc.assert(
      fc.property(fc.uniqueArray(docArb, { selector: (d) => d.id, maxLength: 12 }), (docs) => {
        const opts = { ...DEFAULT_WINDOWS, maxChars: 120, minChars: 10, perDocument: 3 };
        const records = promptRecords(docs, opts);
        expect(promptRecords(docs, opts)).toEqual(records);
        for (const r of records) {
          const doc = docs.find((d) => d.id === docOf(r.id));
          expect(doc).toBeDefined();
          if (!doc) continue;
          expect(doc.text).toContain(r.prompt);
          expect(r.task).toBe(doc.domain);
          expect(r.split).toBe(promptSplitOf(doc.id, opts.calibrationShare));
          expect(r.prompt.length).toBeGreaterThanOrEqual(opts.minChars);
        }
        for (const d of docs) expect(records.filter((r) => docOf(r.id) === d.id).length).toBeLessThanOrEqual(opts.perDocument);
      }),
    );
  });

  it("sends about the asked share of documents to calibration, by id alone", () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `doc-${i}`);
    const share = ids.filter((id) => promptSplitOf(id, 0.5) === "calibration").length / ids.length;
    expect(share).toBeGreaterThan(0.46);
    expect(share).toBeLessThan(0.54);
    expect(ids.filter((id) => promptSplitOf(id, 0) === "calibration")).toEqual([]);
  });
});
