/**
 * Mamba-1 mixer (selective SSM), shared by MambaForCausalLM and the Mamba layers of JambaForCausalLM.
 * Mirrors MambaMixer.slow_forward / JambaMambaMixer.slow_forward in HF transformers:
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/mamba/modeling_mamba.py
 *
 * Glossary (Mamba paper symbols in brackets):
 *   n  tokens in this call       D  d_model (hidden_size)         E  d_inner = expand·D
 *   N  d_state [N]               R  dt_rank [rank of Δ]           K  conv kernel width
 */
import type { Ops } from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { SsmLayerState } from "./causal-lm.ts";
import type { TokenMixer } from "./decoder-layer.ts";
import type { WeightLoader } from "./weight-loader.ts";

/** Sizes and switches of one Mamba-1 mixer. */
export interface MambaMixerConfig {
  dModel: number;
  dInner: number;
  dState: number;
  dtRank: number;
  convKernel: number;
  convBias: boolean;
  /** bias on in_proj and out_proj */
  projBias: boolean;
  /** Jamba: RMSNorm of Δ, B and C after x_proj, with this eps; undefined for plain Mamba */
  innerNormEps?: number;
}

/** Weights of one mixer, A already turned into −exp(A_log). */
interface MambaMixerWeights {
  inProj: Tensor; // [2E, D]
  inProjBias?: Tensor; // [2E]
  conv: Tensor; // [E, K]
  convBias?: Tensor; // [E]
  xProj: Tensor; // [R + 2N, E]
  dtProj: Tensor; // [E, R]
  dtProjBias: Tensor; // [E]
  A: Tensor; // [E, N]
  D: Tensor; // [E]
  outProj: Tensor; // [D, E]
  outProjBias?: Tensor; // [D]
  innerNorms?: { dt: Tensor; b: Tensor; c: Tensor }; // [R], [N], [N]
}

/** Takes the mixer's tensors under `prefix` (e.g. "backbone.layers.0.mixer.") → the mixer; a new state is zero. */
export function loadMambaMixer(ops: Ops, load: WeightLoader, prefix: string, c: MambaMixerConfig): TokenMixer {
  const { dModel: D, dInner: E, dState: N, dtRank: R, convKernel: K } = c;
  const w: MambaMixerWeights = {
    inProj: load.takeMatrix(`${prefix}in_proj.weight`, [2 * E, D]),
    inProjBias: load.takeIf(c.projBias, `${prefix}in_proj.bias`, [2 * E]),
    conv: load.takeAs(`${prefix}conv1d.weight`, [E, 1, K], [E, K]),
    convBias: load.takeIf(c.convBias, `${prefix}conv1d.bias`, [E]),
    xProj: load.takeMatrix(`${prefix}x_proj.weight`, [R + 2 * N, E]),
    dtProj: load.takeMatrix(`${prefix}dt_proj.weight`, [E, R]),
    dtProjBias: load.take(`${prefix}dt_proj.bias`, [E]),
    A: load.takeMapped(`${prefix}A_log`, [E, N], (v) => -Math.exp(v)),
    D: load.take(`${prefix}D`, [E]),
    outProj: load.takeMatrix(`${prefix}out_proj.weight`, [D, E]),
    outProjBias: load.takeIf(c.projBias, `${prefix}out_proj.bias`, [D]),
    innerNorms:
      c.innerNormEps === undefined
        ? undefined
        : {
            dt: load.take(`${prefix}dt_layernorm.weight`, [R]),
            b: load.take(`${prefix}b_layernorm.weight`, [N]),
            c: load.take(`${prefix}c_layernorm.weight`, [N]),
          },
  };
  return {
    kind: "ssm",
    run: (x, state) => mambaMixer(ops, w, c, x, state),
    newState: () => ({ kind: "ssm", conv: ops.zeros([E, K - 1]), ssm: ops.zeros([E, N]) }), // [E, K−1], [E, N]
  };
}

/** The mixer on x [n, D], continuing from `state` (updated in place) → [n, D]. */
function mambaMixer(ops: Ops, w: MambaMixerWeights, c: MambaMixerConfig, x: Tensor, state: SsmLayerState): Tensor {
  const { dInner: E, dState: N, dtRank: R } = c;
  const xz = ops.linear(x, w.inProj, w.inProjBias); // [n, 2E]
  const gate = ops.sliceCols(xz, E, E); // [n, E]
  const u = ops.conv1dCausal(ops.sliceCols(xz, 0, E), w.conv, w.convBias, state.conv, "silu"); // [n, E]
  const dbc = ops.linear(u, w.xProj); // [n, R + 2N]
  let dt = ops.sliceCols(dbc, 0, R); // [n, R]
  let B = ops.sliceCols(dbc, R, N); // [n, N]
  let C = ops.sliceCols(dbc, R + N, N); // [n, N]
  if (w.innerNorms && c.innerNormEps !== undefined) {
    dt = ops.rmsnorm(dt, w.innerNorms.dt, c.innerNormEps); // [n, R]
    B = ops.rmsnorm(B, w.innerNorms.b, c.innerNormEps); // [n, N]
    C = ops.rmsnorm(C, w.innerNorms.c, c.innerNormEps); // [n, N]
  }
  const delta = ops.linear(dt, w.dtProj, w.dtProjBias); // [n, E], softplus'ed in the scan
  const y = ops.selectiveScan(u, delta, w.A, B, C, w.D, state.ssm, { deltaSoftplus: true, z: gate }); // [n, E]
  return ops.linear(y, w.outProj, w.outProjBias); // [n, D]
}
