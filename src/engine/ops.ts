import type { SamplerOptions } from "./sampling.ts";
import type { StoredTensor, Tensor } from "./tensor.ts";

/** The backends the engine has. */
export type BackendName = "cpu" | "cuda" | "webgpu";

/**
 * The one op interface every model graph calls. Backends (cpu | webgpu | cuda) implement it; the CPU backend
 * (src/engine/backends/cpu) is the reference every other backend is tested against.
 *
 * Tensors belong to the backend that made them: an op given another backend's tensor fails naming both, and
 * nothing crosses between host and device except through the named crossings below (weights and token ids in;
 * values, sampled ids and logprobs out). Activations an op returns live until the backend's next `beginStep`:
 * a model reads what it needs (logits, sampled ids) before it starts another step.
 *
 * Layout convention: row-major, sequence first. Letters used in the shapes below:
 *   n  tokens in this call          t  tokens in a KV cache        k  input features    m  output features
 *   d  channels (model or inner)    s  SSM state size (N)          h  heads             p  SSM head dim (P)
 *   g  SSM groups (B/C shared)      r  rotary dim                  v  vocabulary        e  experts
 * Ops never mutate their inputs, except the state arguments documented as updated in place.
 */
export interface Ops {
  readonly name: BackendName;

  // ── host ↔ device crossings ─────────────────────────────────────────────────────────────────────────────
  /**
   * A weight in, once at load. `matrix` weights (linear's w, embedding tables, stacked experts) keep their
   * stored dtype on GPU backends and are computed with f32 accumulation; all other weights become f32. The CPU
   * backend widens everything to f32.
   */
  weight(t: StoredTensor, use: "matrix" | "vector"): Tensor;
  /** Token ids in: ids [n], each an integer in [0, 2²⁴). */
  tokens(ids: readonly number[]): Tensor;
  /** A tensor's values out, as f32 (ids come back as exact integers), once the device has computed them. */
  read(t: Tensor): Promise<Float32Array>;
  /** Free and total device memory in bytes; null for the CPU (host memory). */
  memory(): { free: number; total: number } | null;
  /**
   * Decode steps the generate loop runs between two reads of sampled tokens: 1 reads each token as it is drawn
   * (cpu; cuda, where a read costs microseconds), k > 1 gathers k steps' tokens on the device (copyRow) and
   * reads them at once — for backends where one wait for the device costs more than a step (Deno's WebGPU,
   * ~11 ms a wait: shared/STACK.md).
   */
  readonly stepsPerRead: number;

  // ── steps and state ─────────────────────────────────────────────────────────────────────────────────────
  /** Starts a forward step: activations of the step before are dead from here on (GPU arenas reset). */
  beginStep(): void;
  /**
   * Runs `step` now, or replays a recording of it: GPU backends record the work `step` launches (a CUDA graph)
   * the second time a key is seen and replay it from then on. `step` must launch the same work each call and
   * read everything that changes (token ids, positions, sampler settings) from device tensors; host bookkeeping
   * belongs outside it.
   */
  replay(key: object, step: () => void): void;
  /** A zero tensor that lives until dropped with the object that holds it (states, caches, counters). */
  zeros(shape: readonly number[]): Tensor;
  /** A sequence position counter [1] starting at 0, kept on the device. */
  newPosition(): Tensor;
  /** pos += n, on the device. */
  advance(pos: Tensor, n: number): void;
  /**
   * Copies src into row `row` of dst on the device, after the work launched so far and with no read back:
   * dst [r, …] (updated in place), src of one row's elements ([1, …] or the row's own shape), 0 ≤ row < r.
   * The decode loop gathers each step's sampled token into a ring [k] this way (stepsPerRead).
   */
  copyRow(dst: Tensor, src: Tensor, row: number): void;

  // ── views ───────────────────────────────────────────────────────────────────────────────────────────────
  /** The same elements with another shape of equal size (no copy). */
  reshape(x: Tensor, shape: readonly number[]): Tensor;
  /** Rows [start, start + count) of x [n, k] → [count, k] (no copy). */
  rows(x: Tensor, start: number, count: number): Tensor;

  // ── dense ops ───────────────────────────────────────────────────────────────────────────────────────────
  /** y = x·Wᵀ (+ b), a PyTorch nn.Linear: x [n, k], w [m, k], b [m] → [n, m] */
  linear(x: Tensor, w: Tensor, b?: Tensor): Tensor;
  /** Rows of an embedding table: table [v, d], ids [n] (each < v) → [n, d] */
  embedding(table: Tensor, ids: Tensor): Tensor;
  /** Columns [start, start + width) of every row: x [n, k] → [n, width] (splits fused projections) */
  sliceCols(x: Tensor, start: number, width: number): Tensor;

  /** RMSNorm over the last dim: x [n, d], w [d] → x / sqrt(mean(x²) + eps) · w, [n, d] */
  rmsnorm(x: Tensor, w: Tensor, eps: number): Tensor;
  /**
   * A residual add and the RMSNorm after it, as one op (mamba_ssm's fused add + norm with prenorm): x, r [n, d],
   * w [d] → sum = x + r and normed = rmsnorm(sum, w, eps), both [n, d]. The pre-norm stack passes each layer's
   * residual and its block's output separately, so every add lands here.
   */
  addRmsnorm(x: Tensor, r: Tensor, w: Tensor, eps: number): { sum: Tensor; normed: Tensor };
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
  /** SwiGLU of a fused gate‖up projection (vLLM's SiluAndMul): x [n, 2f] → silu(x[:, :f]) · x[:, f:], [n, f] */
  siluAndMul(x: Tensor): Tensor;
  /** Softmax over the last dim: x [n, c] → [n, c] */
  softmax(x: Tensor): Tensor;
  /** The k largest entries of each row, largest first (ties: lower index first): x [n, c] → values, ids [n, k] */
  topk(x: Tensor, k: number): { values: Tensor; indices: Tensor };
  /**
   * A mixture of SwiGLU experts applied to routed tokens (Jamba's sparse MoE): for every token t,
   *   y[t] = Σⱼ weights[t, j] · down_e(silu(gate_e·x[t]) ⊙ up_e·x[t]),  e = indices[t, j],
   * the sum taken over experts in index order. x [n, d], gate, up [e, f, d], down [e, d, f] (matrices),
   * indices, weights [n, j] → [n, d]
   */
  experts(x: Tensor, gate: Tensor, up: Tensor, down: Tensor, indices: Tensor, weights: Tensor): Tensor;

  // ── sequence mixers ─────────────────────────────────────────────────────────────────────────────────────
  /**
   * Causal depthwise conv1d (PyTorch Conv1d, groups = channels, left padding kernel−1), continuing from `state`:
   * x [n, d], w [d, kw], b [d] | undefined, state [d, kw−1] (the previous kw−1 inputs, oldest first; zeros at start)
   * → [n, d], then silu of it when `activation` says so (causal_conv1d_fn's activation="silu"). Updates state in
   * place to the last kw−1 inputs.
   */
  conv1dCausal(x: Tensor, w: Tensor, b: Tensor | undefined, state: Tensor, activation?: "silu"): Tensor;
  /**
   * Mamba-1 selective scan, continuing from `state`:
   *   hₜ = exp(Δₜ·A) ⊙ hₜ₋₁ + Δₜ·Bₜ·uₜ ;  yₜ = hₜ·Cₜ + D·uₜ
   * u, delta [n, d], A [d, s], B, C [n, s], D [d], state [d, s] → y [n, d]. Updates state in place. One token
   * (n = 1) is the decode step. Options, as mamba_ssm's selective_state_update takes them: `deltaSoftplus` takes
   * Δ = softplus(delta) (the softplus op's), `z` [n, d] gates the output, y · silu(z) (the siluMul op's).
   */
  selectiveScan(u: Tensor, delta: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor, state: Tensor, opts?: SelectiveScanOptions): Tensor;
  /**
   * Mamba-2 SSD scan (scalar A per head, B/C shared by the heads of a group), continuing from `state`:
   *   hₜ = exp(Δₜ·A) · hₜ₋₁ + Δₜ · xₜ ⊗ Bₜ ;  yₜ = hₜ·Cₜ + D·xₜ
   * x [n, h, p], dt [n, h], A [h], B, C [n, g, s], D [h], state [h, p, s] → y [n, h·p]. Updates state in
   * place. One token (n = 1) is the decode step. Options, in this order (each as its own op computes it):
   * `dtBias` [h] adds a bias to dt, `dtSoftplus` takes its softplus, `dtLimit` clamps it — Δ as HF's Mamba-2
   * mixer computes it from in_proj's dt columns.
   */
  ssdScan(x: Tensor, dt: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor, state: Tensor, opts?: SsdScanOptions): Tensor;

  /**
   * Rotary embedding (HF rotate_half convention) on the first r = 2·|invFreq| dims of every head, at positions
   * pos, pos+1, … (pos [1] read on the device): x [n, h, hd], invFreq [r/2] → [n, h, hd]; cos/sin are multiplied
   * by attentionScaling.
   */
  rope(x: Tensor, pos: Tensor, invFreq: Tensor, attentionScaling: number): Tensor;

  /**
   * An empty KV cache for one attention layer, holding at most `capacity` tokens. `projection` is the layer's key
   * projection weight: a GPU backend attends in its precision (a bf16 cache and tensor-core prefill for half
   * weights, f32 otherwise, which must match the CPU); the CPU ignores it.
   */
  newKvCache(kvHeads: number, headDim: number, capacity: number, projection?: Tensor): KvCache;
  /** Writes keys and values k, v [n, kvHeads·headDim] at rows pos … pos+n−1 (pos [1], read on the device). */
  kvAppend(cache: KvCache, k: Tensor, v: Tensor, pos: Tensor): void;
  /**
   * Causal scaled-dot-product attention with grouped KV heads over a cache that already holds these n tokens at
   * rows pos … pos+n−1 (query i sees keys 0 … pos+i). Streams over keys: memory O(t), never n×t.
   * q [n, h, hd], h % kvHeads = 0 → [n, h·hd].
   */
  attention(q: Tensor, cache: KvCache, pos: Tensor, scale: number): Tensor;

  // ── sampling and scoring, on the device ─────────────────────────────────────────────────────────────────
  /** A sampler slot: its settings and random stream live with the backend (on the device for GPUs). */
  newSampler(): SamplerSlot;
  /** Sets a slot's settings and seeds its stream (RangeError on invalid settings). */
  configureSampler(slot: SamplerSlot, opts: SamplerOptions): void;
  /**
   * Draws the next token from logits [1, v] as the slot's settings say, writing its id into `token` [1] and
   * ln p(token) (under the unfiltered softmax at temperature 1) into `logprob` [1].
   */
  sample(logits: Tensor, slot: SamplerSlot, token: Tensor, logprob: Tensor): void;
  /** ln softmax(logits[i])[targets[i]] for every row: logits [n, v], targets [n] → [n] */
  tokenLogprobs(logits: Tensor, targets: Tensor): Tensor;
}

/** What Ops.selectiveScan fuses around the scan. */
export interface SelectiveScanOptions {
  /** Δ = softplus(delta) */
  deltaSoftplus?: boolean;
  /** the output gate: y · silu(z), z [n, d] */
  z?: Tensor;
}

/** What Ops.ssdScan fuses before the scan, in this order. */
export interface SsdScanOptions {
  /** dt + bias on every row, bias [h] */
  dtBias?: Tensor;
  /** softplus(dt) */
  dtSoftplus?: boolean;
  /** min(max(dt, lo), hi) */
  dtLimit?: readonly [number, number];
}

/** An opaque sampler slot made by Ops.newSampler. */
export interface SamplerSlot {
  readonly backend: BackendName;
}

/**
 * Keys and values of one attention layer, rows [0, capacity): keys, values [capacity, kvHeads·headDim]. The
 * tokens held so far are the sequence position's; a backend may allocate the rows lazily.
 */
export interface KvCache {
  readonly kvHeads: number;
  readonly headDim: number;
  readonly capacity: number;
}
