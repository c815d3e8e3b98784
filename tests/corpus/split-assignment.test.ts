import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashUnit, splitOf } from "../../src/corpus/split-assignment.ts";

describe("splitOf", () => {
  it("gives a document the same split every time", () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        expect(splitOf(id, 0.1)).toBe(splitOf(id, 0.1));
      }),
    );
  });

  it("holds out no document at fraction 0 and every document at fraction 1", () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        expect(splitOf(id, 0)).toBe("train");
        expect(splitOf(id, 1)).toBe("heldout");
      }),
    );
  });

  it("holds out about the fraction asked for", () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `src:path/file-${i}.js`);
    const share = ids.filter((id) => splitOf(id, 0.1) === "heldout").length / ids.length;
    // Binomial standard deviation at n = 20000, p = 0.1 is 0.0021.
    expect(Math.abs(share - 0.1)).toBeLessThan(0.01);
  });

  it("only moves documents from train to held-out as the fraction grows", () => {
    fc.assert(
      fc.property(fc.string(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (id, a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        if (splitOf(id, lo) === "heldout") expect(splitOf(id, hi)).toBe("heldout");
      }),
    );
  });
});

describe("hashUnit", () => {
  it("is pinned: changing it would move documents between splits in every corpus built before", () => {
    expect(hashUnit("split", "npm-code:hono/dist/index.js")).toBe(0.6183990316170984);
  });

  it("lies in [0, 1) and differs across salts", () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const x = hashUnit("order", id);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(1);
        expect(x).not.toBe(hashUnit("split", id));
      }),
    );
  });
});
