import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8Bytes } from "../../src/corpus/document-text.ts";
import { jaccard, NEAR_DUPLICATE_PARAMS, shingleSet } from "../../src/corpus/near-duplicates.ts";
import { type Candidate, CORPUS_DOMAINS, type DomainCounts, selectDocuments, type SelectionLimits } from "../../src/corpus/select-documents.ts";
import { splitOf } from "../../src/corpus/split-assignment.ts";
import { VOCABULARY, wordsArb, wordsText } from "./support/synthetic-texts.ts";

const RUNS = { numRuns: 60 };

interface Spec {
  domain: (typeof CORPUS_DOMAINS)[number];
  source: string;
  group: string;
  kind: "base" | "exact" | "near" | "short" | "binary";
  ref: number;
  edit: [number, number];
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  domain: fc.constantFrom(...CORPUS_DOMAINS),
  source: fc.constantFrom("s1", "s2"),
  group: fc.constantFrom("g1", "g2", "g3"),
  kind: fc.constantFrom("base", "base", "exact", "near", "near", "short", "binary"),
  ref: fc.nat(),
  // One substitution: a near copy keeps shingle Jaccard ≥ 0.77 with its base even when capped to 256 bytes.
  edit: fc.tuple(fc.nat(), fc.integer({ min: VOCABULARY, max: 2 * VOCABULARY })),
});

/** Candidates over a few base texts: originals, exact and near copies of them in any domain, and rejects. */
const corpusArb = fc.tuple(fc.array(wordsArb, { minLength: 1, maxLength: 8 }), fc.array(specArb, { minLength: 1, maxLength: 40 })).map(([bases, specs]) =>
  specs.map((s, i): Candidate => {
    const base = bases[s.ref % bases.length] ?? [];
    const near = base.map((w, j) => (j === s.edit[0] % base.length ? s.edit[1] : w));
    const text = s.kind === "binary" ? null : s.kind === "short" ? "too short\n" : wordsText(s.kind === "near" ? near : base);
    return { id: `${s.source}:${i}`, domain: s.domain, source: s.source, group: s.group, load: () => text };
  }),
);

const limitsArb: fc.Arbitrary<SelectionLimits> = fc.record({
  maxDomainBytes: fc.integer({ min: 500, max: 40_000 }),
  maxDocBytes: fc.integer({ min: 300, max: 3_000 }),
  maxGroupBytes: fc.integer({ min: 300, max: 4_000 }),
});

const sumCounts = ({ candidates: _, truncated: __, ...outcomes }: DomainCounts) => Object.values(outcomes).reduce((a, b) => a + b, 0);

describe("selectDocuments (properties)", () => {
  it("keeps no two documents that nearly copy each other, so no held-out document has a near copy in training", () => {
    fc.assert(
      fc.property(corpusArb, limitsArb, (candidates, limits) => {
        const { documents } = selectDocuments(candidates, limits);
        const sets = documents.map((d) => shingleSet(d.text));
        for (let i = 0; i < documents.length; i++) {
          for (let j = i + 1; j < documents.length; j++) {
            expect(jaccard(sets[i] ?? new Uint32Array(), sets[j] ?? new Uint32Array())).toBeLessThan(NEAR_DUPLICATE_PARAMS.threshold);
          }
        }
        expect(new Set(documents.map((d) => d.text)).size).toBe(documents.length);
      }),
      RUNS,
    );
  });

  it("does not depend on the order the candidates come in", () => {
    fc.assert(
      fc.property(
        corpusArb.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c, { minLength: c.length, maxLength: c.length }))),
        limitsArb,
        ([candidates, shuffled], limits) => {
          expect(selectDocuments(shuffled, limits)).toEqual(selectDocuments(candidates, limits));
        },
      ),
      RUNS,
    );
  });

  it("stays within the domain, document and group caps", () => {
    fc.assert(
      fc.property(corpusArb, limitsArb, (candidates, limits) => {
        const { documents } = selectDocuments(candidates, limits);
        const group = new Map(candidates.map((c) => [c.id, `${c.source}:${c.group}`]));
        for (const domain of CORPUS_DOMAINS) {
          const docs = documents.filter((d) => d.domain === domain);
          expect(docs.reduce((s, d) => s + utf8Bytes(d.text), 0)).toBeLessThanOrEqual(limits.maxDomainBytes);
          const perGroup = new Map<string, number>();
          for (const d of docs) perGroup.set(group.get(d.id) ?? "", (perGroup.get(group.get(d.id) ?? "") ?? 0) + utf8Bytes(d.text));
          // A group takes documents until it holds the cap, so it ends below the cap plus one document.
          for (const bytes of perGroup.values()) expect(bytes).toBeLessThan(limits.maxGroupBytes + limits.maxDocBytes);
        }
        for (const d of documents) expect(utf8Bytes(d.text)).toBeLessThanOrEqual(limits.maxDocBytes);
      }),
      RUNS,
    );
  });

  it("counts every candidate once, and splits every document by its id", () => {
    fc.assert(
      fc.property(corpusArb, limitsArb, (candidates, limits) => {
        const { documents, counts } = selectDocuments(candidates, limits);
        for (const domain of CORPUS_DOMAINS) {
          const n = counts[domain];
          expect(n.candidates).toBe(candidates.filter((c) => c.domain === domain).length);
          expect(sumCounts(n)).toBe(n.candidates);
          expect(n.kept).toBe(documents.filter((d) => d.domain === domain).length);
        }
        for (const d of documents) expect(d.split).toBe(splitOf(d.id, 0.1));
      }),
      RUNS,
    );
  });
});

describe("selectDocuments", () => {
  const limits = { maxDomainBytes: 1e6, maxDocBytes: 1e5, maxGroupBytes: 1e6 };
  const text = wordsText(Array.from({ length: 100 }, (_, i) => i));

  it("drops a near copy in a later domain of a document kept in an earlier one", () => {
    const copy = text.replace("w50 ", "w9999 ");
    const { documents, counts } = selectDocuments(
      [
        { id: "b:legal-copy", domain: "legal", source: "b", group: "g", load: () => copy },
        { id: "a:code-original", domain: "code", source: "a", group: "g", load: () => text },
      ],
      limits,
    );
    expect(documents.map((d) => d.id)).toEqual(["a:code-original"]);
    expect(counts.legal.nearDuplicates).toBe(1);
  });

  it("refuses two candidates with one id", () => {
    const c: Candidate = { id: "a:x", domain: "code", source: "a", group: "g", load: () => text };
    expect(() => selectDocuments([c, c], limits)).toThrow(/share the id a:x/);
  });
});
