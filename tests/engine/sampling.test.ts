import { describe, expect, it } from "vitest";
import { createSampler } from "../../src/engine/sampling.ts";

/** Logits whose softmax is exactly `probs`. */
const logitsOf = (probs: number[]) => new Float32Array(probs.map(Math.log));

function histogram(sample: (l: Float32Array) => number, logits: Float32Array, draws: number): number[] {
  const c = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < draws; i++) {
    const id = sample(logits);
    c[id] = (c[id] as number) + 1;
  }
  return c;
}

describe("createSampler", () => {
  it("refuses bad options", () => {
    expect(() => createSampler({ temperature: -1 })).toThrow("temperature must be a finite number ≥ 0, got -1");
    expect(() => createSampler({ temperature: Number.NaN })).toThrow(/temperature/);
    expect(() => createSampler({ temperature: 1, topK: 0 })).toThrow("top_k must be an integer ≥ 1, got 0");
    expect(() => createSampler({ temperature: 1, topK: 2.5 })).toThrow(/top_k/);
    expect(() => createSampler({ temperature: 1, topP: 0 })).toThrow("top_p must be in (0, 1], got 0");
    expect(() => createSampler({ temperature: 1, topP: 1.5 })).toThrow(/top_p/);
    expect(() => createSampler({ temperature: 1, seed: 0.5 })).toThrow("seed must be an integer, got 0.5");
  });

  it("is greedy at temperature 0, lowest index on ties", () => {
    const sample = createSampler({ temperature: 0, seed: 1 });
    expect(sample(new Float32Array([0.1, 3, -2, 3]))).toBe(1);
    expect(sample(new Float32Array([-Infinity, -5, -Infinity]))).toBe(1);
  });

  it("refuses NaN logits and rows with nothing to sample", () => {
    expect(() => createSampler({ temperature: 0 })(new Float32Array([0, Number.NaN]))).toThrow("logit 1 is NaN");
    expect(() => createSampler({ temperature: 1 })(new Float32Array([-Infinity, -Infinity]))).toThrow(/every logit is -Infinity/);
  });

  it("gives the same tokens for the same seed, and other tokens for another seed", () => {
    const logits = logitsOf(Array.from({ length: 50 }, () => 1 / 50));
    const run = (seed: number) => {
      const sample = createSampler({ temperature: 1, topP: 0.9, topK: 40, seed });
      return Array.from({ length: 40 }, () => sample(logits));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it("draws in proportion to the softmax at temperature 1", () => {
    const probs = [0.5, 0.25, 0.15, 0.1];
    const draws = 40_000;
    const h = histogram(createSampler({ temperature: 1, seed: 3 }), logitsOf(probs), draws);
    h.forEach((n, i) => expect(Math.abs(n / draws - (probs[i] as number))).toBeLessThan(0.01));
  });

  it("flattens with a higher temperature and sharpens with a lower one", () => {
    const logits = logitsOf([0.7, 0.2, 0.1]);
    const hot = histogram(createSampler({ temperature: 3, seed: 5 }), logits, 5000);
    const cold = histogram(createSampler({ temperature: 0.3, seed: 5 }), logits, 5000);
    expect(hot[2]).toBeGreaterThan(cold[2] as number);
    expect(cold[0]).toBeGreaterThan(hot[0] as number);
  });

  it("top-k keeps exactly the k most likely tokens", () => {
    const logits = logitsOf([0.05, 0.3, 0.1, 0.25, 0.2, 0.1]);
    const h = histogram(createSampler({ temperature: 1, topK: 3, seed: 11 }), logits, 6000);
    expect(h.map((n) => n > 0)).toEqual([false, true, false, true, true, false]);
    const once = createSampler({ temperature: 1, topK: 1, seed: 11 });
    for (let i = 0; i < 20; i++) expect(once(logits)).toBe(1);
  });

  it("top-p keeps the smallest most-likely set whose mass reaches p", () => {
    const logits = logitsOf([0.15, 0.5, 0.05, 0.3]);
    const kept = (topP: number) => histogram(createSampler({ temperature: 1, topP, seed: 13 }), logits, 6000).map((n) => n > 0);
    expect(kept(0.4)).toEqual([false, true, false, false]);
    expect(kept(0.75)).toEqual([false, true, false, true]);
    expect(kept(0.85)).toEqual([true, true, false, true]);
    expect(kept(1)).toEqual([true, true, true, true]);
  });

  it("applies top-p to what top-k kept, renormalised", () => {
    // After top-k=2 the survivors are 0.5 and 0.3 → 0.625 and 0.375; p = 0.6 then keeps only the first.
    const logits = logitsOf([0.15, 0.5, 0.05, 0.3]);
    const h = histogram(createSampler({ temperature: 1, topK: 2, topP: 0.6, seed: 17 }), logits, 2000);
    expect(h).toEqual([0, 2000, 0, 0]);
  });

  it("never draws a masked (-Infinity) token", () => {
    const logits = new Float32Array([0, -Infinity, 0, -Infinity]);
    const h = histogram(createSampler({ temperature: 2, seed: 19 }), logits, 2000);
    expect(h[1]).toBe(0);
    expect(h[3]).toBe(0);
  });
});
