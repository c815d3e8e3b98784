import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { type Tensor } from "../../../src/engine/tensor.ts";
import { concatRows, randomTensor, rng, rows, worstRatio } from "./random-tensor.ts";

/** Full n×n causal softmax(q·kᵀ·scale)·v with query head h reading kv head ⌊h/(H/K)⌋ (repeat_kv in HF). */
function naiveAttention(q: Tensor, k: Tensor, v: Tensor, kvHeads: number, scale: number): number[] {
  const [n, H, S] = [q.shape[0]!, q.shape[1]!, q.shape[2]!];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / kvHeads));
      const scores = Array.from({ length: i + 1 }, (_, j) => {
        let dot = 0;
        for (let e = 0; e < S; e++) dot += q.data[(i * H + h) * S + e]! * k.data[(j * kvHeads + g) * S + e]!;
        return dot * scale;
      });
      const max = Math.max(...scores);
      const w = scores.map((s) => Math.exp(s - max));
      const z = w.reduce((a, b) => a + b, 0);
      for (let e = 0; e < S; e++) out.push(w.reduce((acc, wj, j) => acc + (wj / z) * v.data[(j * kvHeads + g) * S + e]!, 0));
    }
  }
  return out;
}

describe("attention with a KV cache", () => {
  // 37 tokens outgrow the cache's initial capacity; 6 query heads over 2 kv heads
  const [n, H, K, S] = [37, 6, 2, 4];
  const next = rng(9);
  const q = randomTensor(next, [n, H, S]);
  const k = randomTensor(next, [n, K, S]);
  const v = randomTensor(next, [n, K, S]);
  const flat = (t: Tensor) => ({ shape: [t.shape[0]!, K * S], data: t.data });

  it("equals the naive causal softmax attention with grouped KV heads", () => {
    const cache = ops.newKvCache(K, S);
    ops.kvAppend(cache, flat(k), flat(v));
    const got = ops.attention(q, cache, 0.5);
    expect(cache.length).toBe(n);
    expect(worstRatio(got.data, naiveAttention(q, k, v, K, 0.5))).toBeLessThanOrEqual(1);
  });

  it("gives the same rows when tokens arrive one call at a time", () => {
    const cache = ops.newKvCache(K, S);
    const parts = [[0, 3], [3, 4], [4, 20], [20, 21], [21, 37]].map(([s, e]) => {
      ops.kvAppend(cache, flat(rows(k, s!, e!)), flat(rows(v, s!, e!)));
      return ops.attention(rows(q, s!, e!), cache, 0.5);
    });
    expect(worstRatio(concatRows(parts).data, naiveAttention(q, k, v, K, 0.5))).toBeLessThanOrEqual(1);
  });

  it("rejects query heads that the kv heads do not divide", () => {
    const cache = ops.newKvCache(4, S);
    ops.kvAppend(cache, { shape: [1, 4 * S], data: new Float32Array(4 * S) }, { shape: [1, 4 * S], data: new Float32Array(4 * S) });
    expect(() => ops.attention(randomTensor(next, [1, 6, S]), cache, 1)).toThrow(/does not fit 4 kv heads/);
  });
});
