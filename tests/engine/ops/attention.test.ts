import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { tensor, type HostTensor } from "../../../src/engine/tensor.ts";
import { concatRows, randomTensor, rng, rows, worstRatio } from "./random-tensor.ts";

/** Full n×n causal softmax(q·kᵀ·scale)·v with query head h reading kv head ⌊h/(H/K)⌋ (repeat_kv in HF). */
function naiveAttention(q: HostTensor, k: HostTensor, v: HostTensor, kvHeads: number, scale: number): number[] {
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
  // 37 tokens outgrow the cache's initial 16 rows; 6 query heads over 2 kv heads
  const [n, H, K, S] = [37, 6, 2, 4];
  const next = rng(9);
  const q = randomTensor(next, [n, H, S]);
  const k = randomTensor(next, [n, K, S]);
  const v = randomTensor(next, [n, K, S]);
  const flat = (t: HostTensor) => ({ shape: [t.shape[0]!, K * S], data: t.data });
  /** A position counter [1] holding `p`. */
  const at = (p: number) => tensor([1], Float32Array.of(p));

  it("equals the naive causal softmax attention with grouped KV heads", () => {
    const cache = ops.newKvCache(K, S, 64);
    expect(cache.keys.shape[0]).toBeLessThan(n); // rows are allocated lazily
    ops.kvAppend(cache, flat(k), flat(v), at(0));
    const got = ops.attention(q, cache, at(0), 0.5);
    expect(cache.keys.shape[0]).toBeGreaterThanOrEqual(n);
    expect(cache.keys.shape[0]).toBeLessThanOrEqual(cache.capacity);
    expect(Array.from(cache.keys.data.subarray(0, n * K * S))).toEqual(Array.from(k.data));
    expect(Array.from(cache.values.data.subarray(0, n * K * S))).toEqual(Array.from(v.data));
    expect(worstRatio(got.data, naiveAttention(q, k, v, K, 0.5))).toBeLessThanOrEqual(1);
  });

  it("gives the same rows when tokens arrive one call at a time, growing the cache by doubling up to its capacity", () => {
    const cache = ops.newKvCache(K, S, 50);
    const allocated: number[] = [];
    const parts = [[0, 3], [3, 4], [4, 20], [20, 21], [21, 37]].map(([s, e]) => {
      ops.kvAppend(cache, flat(rows(k, s!, e!)), flat(rows(v, s!, e!)), at(s!));
      allocated.push(cache.keys.shape[0]!);
      return ops.attention(rows(q, s!, e!), cache, at(s!), 0.5);
    });
    expect(allocated).toEqual([16, 16, 32, 32, 50]);
    expect(cache.values.shape[0]).toBe(50);
    expect(Array.from(cache.keys.data.subarray(0, n * K * S))).toEqual(Array.from(k.data));
    expect(worstRatio(concatRows(parts).data, naiveAttention(q, k, v, K, 0.5))).toBeLessThanOrEqual(1);
  });

  it("overwrites rows from pos on, and attends to rows 0 … pos+n−1 only", () => {
    const cache = ops.newKvCache(K, S, 64);
    ops.kvAppend(cache, flat(k), flat(v), at(0));
    // rewrite tokens 20 … 36 with the same values: the last 17 queries see exactly the first 37 keys
    ops.kvAppend(cache, flat(rows(k, 20, 37)), flat(rows(v, 20, 37)), at(20));
    const got = ops.attention(rows(q, 20, 37), cache, at(20), 0.5);
    const want = naiveAttention(q, k, v, K, 0.5).slice(20 * H * S);
    expect(worstRatio(got.data, want)).toBeLessThanOrEqual(1);
    // the first 10 tokens alone (rows beyond 9 are ignored)
    const head = ops.attention(rows(q, 0, 10), cache, at(0), 0.5);
    expect(worstRatio(head.data, naiveAttention(rows(q, 0, 10), rows(k, 0, 10), rows(v, 0, 10), K, 0.5))).toBeLessThanOrEqual(1);
  });

  it("refuses to write beyond the capacity, leaving the cache as it was", () => {
    const cache = ops.newKvCache(K, S, 20);
    ops.kvAppend(cache, flat(rows(k, 0, 15)), flat(rows(v, 0, 15)), at(0));
    const before = Array.from(cache.keys.data);
    expect(() => ops.kvAppend(cache, flat(rows(k, 15, 21)), flat(rows(v, 15, 21)), at(15))).toThrow(RangeError);
    expect(() => ops.kvAppend(cache, flat(rows(k, 15, 21)), flat(rows(v, 15, 21)), at(15))).toThrow(/21 tokens exceed the KV cache capacity of 20/);
    expect(Array.from(cache.keys.data)).toEqual(before);
    ops.kvAppend(cache, flat(rows(k, 15, 20)), flat(rows(v, 15, 20)), at(15)); // exactly full is fine
    expect(cache.keys.shape[0]).toBe(20);
    expect(() => ops.newKvCache(K, S, 0)).toThrow(RangeError);
  });

  it("rejects a position that is not one integer ≥ 0, and attention past the rows written", () => {
    const cache = ops.newKvCache(K, S, 64);
    expect(() => ops.kvAppend(cache, flat(rows(k, 0, 2)), flat(rows(v, 0, 2)), at(1.5))).toThrow(/pos must be one integer/);
    expect(() => ops.kvAppend(cache, flat(rows(k, 0, 2)), flat(rows(v, 0, 2)), at(-1))).toThrow(/pos must be one integer/);
    expect(() => ops.attention(rows(q, 0, 1), cache, at(40), 0.5)).toThrow(/attention: 41 tokens/);
  });

  it("rejects query heads that the kv heads do not divide", () => {
    const cache = ops.newKvCache(4, S, 8);
    ops.kvAppend(cache, { shape: [1, 4 * S], data: new Float32Array(4 * S) }, { shape: [1, 4 * S], data: new Float32Array(4 * S) }, at(0));
    expect(() => ops.attention(randomTensor(next, [1, 6, S]), cache, at(0), 1)).toThrow(/does not fit 4 kv heads/);
  });
});
