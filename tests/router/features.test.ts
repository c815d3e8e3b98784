import { describe, expect, it } from "vitest";
import { FEATURE_DIM, featurize, HASH_DIM, writeDense } from "../../src/router/features.ts";

describe("featurize", () => {
  it("is deterministic: the same prompt gives the same sparse vector", () => {
    const a = featurize("What is the capital of France?");
    const b = featurize("What is the capital of France?");
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
  });

  it("returns sorted unique indices inside the feature width", () => {
    const f = featurize("def f(x):\n    return x * 2  # 中文 123");
    const idx = Array.from(f.indices);
    expect(idx).toEqual([...new Set(idx)].sort((x, y) => x - y));
    expect(Math.min(...idx)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...idx)).toBeLessThan(FEATURE_DIM);
  });

  it("normalises the word and the character n-gram groups to unit norm each", () => {
    const f = featurize("the cat sat on the mat");
    let sq = 0;
    f.indices.forEach((i, k) => {
      if (i < HASH_DIM) sq += (f.values[k] ?? 0) ** 2;
    });
    // Two unit-norm groups that rarely share a slot: total squared norm close to 2 (exactly 2 without overlap).
    expect(sq).toBeGreaterThan(1.6);
    expect(sq).toBeLessThan(2.4);
  });

  it("puts short and long prompts in different length buckets", () => {
    const lengthSlots = (p: string) => Array.from(featurize(p).indices).filter((i) => i >= HASH_DIM && i < HASH_DIM + 22);
    expect(lengthSlots("hi")).not.toEqual(lengthSlots("hi ".repeat(500)));
  });

  it("marks CJK text in the script shares, and not Latin text", () => {
    const cjkSlot = FEATURE_DIM - 3;
    expect(Array.from(featurize("中国的首都是哪里").indices)).toContain(cjkSlot);
    expect(Array.from(featurize("where is the capital").indices)).not.toContain(cjkSlot);
  });

  it("separates prompts on different topics more than paraphrases", () => {
    const cos = (a: string, b: string) => {
      const x = new Float32Array(FEATURE_DIM);
      const y = new Float32Array(FEATURE_DIM);
      writeDense(featurize(a), x);
      writeDense(featurize(b), y);
      let d = 0;
      let nx = 0;
      let ny = 0;
      for (let i = 0; i < FEATURE_DIM; i++) [d, nx, ny] = [d + (x[i] ?? 0) * (y[i] ?? 0), nx + (x[i] ?? 0) ** 2, ny + (y[i] ?? 0) ** 2];
      return d / Math.sqrt(nx * ny);
    };
    expect(cos("Compute 17 times 23", "Compute 19 times 29")).toBeGreaterThan(cos("Compute 17 times 23", "Write a poem about the sea"));
  });
});
