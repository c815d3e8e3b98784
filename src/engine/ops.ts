import type { Tensor } from "./tensor.ts";

/**
 * The one op interface every model graph calls. Backends (cpu | webgpu | cuda) implement it; the CPU backend
 * (src/engine/backends/cpu) is the reference every other backend is tested against.
 *
 * Layout convention: row-major, sequence first. Letters used in the shapes below:
 *   n  tokens in this call          t  tokens in a KV cache        k  input features    m  output features
 *   d  channels (model or inner)    s  SSM state size (N)          h  heads             p  SSM head dim (P)
 *   g  SSM groups (B/C shared)      r  rotary dim                  v  vocabulary        e  experts
 * Ops never mutate their inputs, except the state arguments documented as updated in place.
 */
export interface Ops {
  /** y = x·Wᵀ (+ b), a PyTorch nn.Linear: x [n, k], w [m, k], b [m] → [n, m] */
  linear(x: Tensor, w: Tensor, b?: Tensor): Tensor;
  /** Rows of an embedding table: table [v, d], ids (each < v) → [n, d] */
  embedding(table: Tensor, ids: readonly number[]): Tensor;
  /** Columns [start, start + width) of every row: x [n, k] → [n, width] (splits fused projections) */
  sliceCols(x: Tensor, start: number, width: number): Tensor;

  /** RMSNorm over the last dim: x [n, d], w [d] → x / sqrt(mean(x²) + eps) · w, [n, d] */
  rmsnorm(x: Tensor, w: Tensor, eps: number): Tensor;
  /**
   * Gated RMSNorm of Mamba-2 (norm_before_gate = false): y = norm(x · silu(z)) · w, the mean taken over each
   * contiguous group of `groupSize` channels. x, z [n, d], w [d], d % groupSize = 0 → [n, d]
   */
  gatedRmsnorm(x: Tensor, z: Tensor, w: Tensor, eps: number, groupSize: number): Tensor;

  /** Elementwise x·σ(x): any shape */
  silu(x: Tensor): Tensor;
  /** Elementwise log(1 + eˣ) (x itself above 20, as PyTorch): any shape */
  softplus(x: Tensor): Tensor;
  /** Elementwise eˣ: any shape */
  exp(x: Tensor): Tensor;
  /** Elementwise x·c: any shape */
  scale(x: Tensor, c: number): Tensor;
  /** x + b on every row: x [n, k], b [k] → [n, k] */
  addBias(x: Tensor, b: Tensor): Tensor;
  /** Elementwise min(max(x, lo), hi): any shape */
  clamp(x: Tensor, lo: number, hi: number): Tensor;
  /** Elementwise a + b, same shapes */
  add(a: Tensor, b: Tensor): Tensor;
  /** Elementwise a · b, same shapes */
  mul(a: Tensor, b: Tensor): Tensor;
  /** SwiGLU gate: silu(gate) · up, same shapes */
  siluMul(gate: Tensor, up: Tensor): Tensor;
  /** Softmax over the last dim: x [n, c] → [n, c] */
  softmax(x: Tensor): Tensor;
  /** The k largest entries of each row, largest first (ties: lower index first): x [n, c] → values [n, k], indices [n·k] */
  topk(x: Tensor, k: number): { values: Tensor; indices: Int32Array };

  /**
   * Causal depthwise conv1d (PyTorch Conv1d, groups = channels, left padding kernel−1), continuing from `state`:
   * x [n, d], w [d, kw], b [d] | undefined, state [d, kw−1] (the previous kw−1 inputs, oldest first; zeros at start)
   * → [n, d]. Updates state in place to the last kw−1 inputs.
   */
  conv1dCausal(x: Tensor, w: Tensor, b: Tensor | undefined, state: Tensor): Tensor;
  /**
   * Mamba-1 selective scan, sequential in n (O(n)), continuing from `state`:
   *   hₜ = exp(Δₜ·A) ⊙ hₜ₋₁ + Δₜ·Bₜ·uₜ ;  yₜ = hₜ·Cₜ + D·uₜ
   * u, delta [n, d] (delta already softplus'ed), A [d, s], B, C [n, s], D [d], state [d, s] → y [n, d].
   * Updates state in place. One token (n = 1) is the decode step.
   */
  selectiveScan(u: Tensor, delta: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor, state: Tensor): Tensor;
  /**
   * Mamba-2 SSD scan (scalar A per head, B/C shared by the heads of a group), continuing from `state`:
   *   hₜ = exp(Δₜ·A) · hₜ₋₁ + Δₜ · xₜ ⊗ Bₜ ;  yₜ = hₜ·Cₜ + D·xₜ
   * x [n, h, p], dt [n, h] (already softplus'ed and clamped), A [h], B, C [n, g, s], D [h], state [h, p, s]
   * → y [n, h·p]. Updates state in place. One token (n = 1) is the decode step.
   */
  ssdScan(x: Tensor, dt: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor, state: Tensor): Tensor;

  /**
   * Rotary embedding (HF rotate_half convention) on the first r = 2·|invFreq| dims of every head, positions
   * start, start+1, …: x [n, h, hd], invFreq [r/2] → [n, h, hd]; cos/sin are multiplied by attentionScaling.
   */
  rope(x: Tensor, start: number, invFreq: Tensor, attentionScaling: number): Tensor;

  /** An empty, growable KV cache for one attention layer. */
  newKvCache(kvHeads: number, headDim: number): KvCache;
  /** Appends keys and values: k, v [n, kvHeads·headDim]. Grows the cache (amortised doubling). */
  kvAppend(cache: KvCache, k: Tensor, v: Tensor): void;
  /**
   * Causal scaled-dot-product attention with grouped KV heads over a cache that already holds these n tokens
   * (query i sits at position cache.length − n + i and sees keys 0 … that position). Streams over keys: memory
   * O(t), never n×t. q [n, h, hd], h % kvHeads = 0 → [n, h·hd].
   */
  attention(q: Tensor, cache: KvCache, scale: number): Tensor;

  /** Rows of x by index: x [n, d], rows [m] → [m, d] (MoE dispatch) */
  gatherRows(x: Tensor, rows: Int32Array): Tensor;
  /** out[rows[i]] += weights[i] · src[i] in place: out [n, d], src [m, d], rows, weights [m] (MoE combine) */
  scatterAddRows(out: Tensor, src: Tensor, rows: Int32Array, weights: Float32Array): void;
}

/**
 * Keys and values of one attention layer. Rows [0, length) of keys/values hold the tokens seen so far; the
 * rest is spare capacity. keys, values [capacity, kvHeads·headDim].
 */
export interface KvCache {
  readonly kvHeads: number;
  readonly headDim: number;
  keys: Tensor;
  values: Tensor;
  length: number;
}
