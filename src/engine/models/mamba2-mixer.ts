/**
 * Mamba-2 mixer (SSD), shared by Mamba2ForCausalLM and the Mamba layers of BambaForCausalLM.
 * Mirrors Mamba2Mixer.torch_forward in HF transformers (the chunked scan there computes this recurrence):
 * https://github.com/huggingface/transformers/blob/main/src/transformers/models/mamba2/modeling_mamba2.py
 *
 * Glossary (SSD paper symbols in brackets):
 *   n  tokens in this call     D  d_model (hidden_size)     E  d_inner = H·P
 *   H  SSM heads               P  head dim [P]              N  d_state [N]
 *   G  groups sharing B and C  K  conv kernel width         X  conv channels = E + 2·G·N
 */
import type { Ops } from "../ops.ts";
import type { Tensor } from "../tensor.ts";
import type { SsmLayerState } from "./causal-lm.ts";
import type { TokenMixer } from "./decoder-layer.ts";
import type { WeightLoader } from "./weight-loader.ts";

/** Sizes and switches of one Mamba-2 mixer. */
export interface Mamba2MixerConfig {
  dModel: number;
  nHeads: number;
  headDim: number;
  dState: number;
  nGroups: number;
  convKernel: number;
  convBias: boolean;
  /** bias on in_proj and out_proj */
  projBias: boolean;
  normEps: number;
  /**
   * Channels per mean in the gated RMSNorm. HF's MambaRMSNormGated normalises all E channels at once (the
   * mamba_ssm kernel uses E/G); we follow HF, whose checkpoints and reference logits we match.
   */
  normGroupSize: number;
  /** Δ is clamped to [lo, hi] after softplus (time_step_limit) */
  dtLimit: [number, number];
}

/** Weights of one mixer, A already turned into −exp(A_log). */
interface Mamba2MixerWeights {
  inProj: Tensor; // [E + X + H, D]
  inProjBias?: Tensor; // [E + X + H]
  conv: Tensor; // [X, K]
  convBias?: Tensor; // [X]
  dtBias: Tensor; // [H]
  A: Tensor; // [H]
  D: Tensor; // [H]
  norm: Tensor; // [E]
  outProj: Tensor; // [D, E]
  outProjBias?: Tensor; // [D]
}

/** Width of the fused in_proj output: gate z, conv input xBC, and Δ. */
function mamba2ProjectionSize(c: Mamba2MixerConfig): number {
  return 2 * c.nHeads * c.headDim + 2 * c.nGroups * c.dState + c.nHeads;
}

/** Takes the mixer's tensors under `prefix` (e.g. "backbone.layers.0.mixer.") → the mixer; a new state is zero. */
export function loadMamba2Mixer(ops: Ops, load: WeightLoader, prefix: string, c: Mamba2MixerConfig): TokenMixer {
  const E = c.nHeads * c.headDim;
  const X = E + 2 * c.nGroups * c.dState;
  const proj = mamba2ProjectionSize(c);
  const w: Mamba2MixerWeights = {
    inProj: load.takeMatrix(`${prefix}in_proj.weight`, [proj, c.dModel]),
    inProjBias: load.takeIf(c.projBias, `${prefix}in_proj.bias`, [proj]),
    conv: load.takeAs(`${prefix}conv1d.weight`, [X, 1, c.convKernel], [X, c.convKernel]),
    convBias: load.takeIf(c.convBias, `${prefix}conv1d.bias`, [X]),
    dtBias: load.take(`${prefix}dt_bias`, [c.nHeads]),
    A: load.takeMapped(`${prefix}A_log`, [c.nHeads], (v) => -Math.exp(v)),
    D: load.take(`${prefix}D`, [c.nHeads]),
    norm: load.take(`${prefix}norm.weight`, [E]),
    outProj: load.takeMatrix(`${prefix}out_proj.weight`, [c.dModel, E]),
    outProjBias: load.takeIf(c.projBias, `${prefix}out_proj.bias`, [c.dModel]),
  };
  return {
    kind: "ssm",
    run: (x, state) => mamba2Mixer(ops, w, c, x, state),
    newState: () => ({
      kind: "ssm",
      conv: ops.zeros([X, c.convKernel - 1]), // [X, K−1]
      ssm: ops.zeros([c.nHeads, c.headDim, c.dState]), // [H, P, N]
    }),
  };
}

/** The mixer on x [n, D], continuing from `state` (updated in place) → [n, D]. */
function mamba2Mixer(ops: Ops, w: Mamba2MixerWeights, c: Mamba2MixerConfig, x: Tensor, state: SsmLayerState): Tensor {
  const n = x.shape[0]!;
  const { nHeads: H, headDim: P, nGroups: G, dState: N } = c;
  const E = H * P;
  const X = E + 2 * G * N;
  const zxbcdt = ops.linear(x, w.inProj, w.inProjBias); // [n, E + X + H]
  const z = ops.sliceCols(zxbcdt, 0, E); // [n, E]
  const xbc = ops.conv1dCausal(ops.sliceCols(zxbcdt, E, X), w.conv, w.convBias, state.conv, "silu"); // [n, X]
  const xs = ops.sliceCols(xbc, 0, E); // [n, E]
  const B = ops.sliceCols(xbc, E, G * N); // [n, G·N]
  const C = ops.sliceCols(xbc, E + G * N, G * N); // [n, G·N]
  const dtRaw = ops.sliceCols(zxbcdt, E + X, H); // [n, H]: + dt_bias, softplus and the clamp happen in the scan
  const y = ops.ssdScan(
    ops.reshape(xs, [n, H, P]),
    dtRaw,
    w.A,
    ops.reshape(B, [n, G, N]),
    ops.reshape(C, [n, G, N]),
    w.D,
    state.ssm,
    { dtBias: w.dtBias, dtSoftplus: true, dtLimit: c.dtLimit },
  ); // [n, E]
  const normed = ops.gatedRmsnorm(y, z, w.norm, c.normEps, c.normGroupSize); // [n, E]
  return ops.linear(normed, w.outProj, w.outProjBias); // [n, D]
}
