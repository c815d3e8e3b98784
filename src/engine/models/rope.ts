import { type HostTensor, tensor } from "../tensor.ts";
import type { ConfigReader } from "./config-reader.ts";

/**
 * Rotary embedding parameters, computed once from config.json.
 * Mirrors transformers/modeling_rope_utils.py (default, linear, llama3):
 * https://github.com/huggingface/transformers/blob/main/src/transformers/modeling_rope_utils.py
 */
export interface RopeTable {
  /** inverse frequencies [r/2]; the first r dims of each head rotate */
  invFreq: HostTensor;
  /** multiplies cos and sin (1 for the supported types) */
  attentionScaling: number;
}

const ROPE_TYPES = ["default", "linear", "llama3"] as const;

/**
 * Reads the RoPE settings in either layout HF writes: transformers ≥ 5 `rope_parameters` {rope_type, rope_theta, …},
 * or the older top-level `rope_theta` + `rope_scaling` {rope_type|type, factor, …}. A partial_rotary_factor (top
 * level or nested; `partialDefault` when absent) rotates only the first ⌊head_dim·factor⌋ dims. With
 * partialDefault null the factor is read but, as in HF's LlamaRotaryEmbedding, has no effect. Other rope types
 * fail, naming the key.
 */
export function readRope(cfg: ConfigReader, headDim: number, partialDefault: number | null): RopeTable {
  const params = cfg.nested("rope_parameters");
  const legacy = cfg.nested("rope_scaling");
  let theta: number;
  let partial = cfg.number("partial_rotary_factor", { above: 0, default: partialDefault ?? 1 });
  let scaling: ConfigReader | undefined;
  if (params) {
    theta = params.number("rope_theta", { above: 0 });
    cfg.ignore("rope_theta");
    if (params.has("partial_rotary_factor")) partial = params.number("partial_rotary_factor", { above: 0 });
    scaling = params;
    if (legacy) cfg.fail("rope_scaling", "cannot be combined with rope_parameters");
  } else {
    theta = cfg.number("rope_theta", { above: 0, default: 10000 });
    scaling = legacy;
  }
  if (partial > 1) cfg.fail("partial_rotary_factor", `must be ≤ 1, got ${partial}`);
  if (partialDefault === null) partial = 1;
  const dim = Math.floor(headDim * partial);
  if (dim < 2 || dim % 2 !== 0) cfg.fail("partial_rotary_factor", `gives rotary dim ${dim}; it must be even and ≥ 2`);

  const base = defaultInvFreq(theta, dim);
  if (!scaling) return { invFreq: tensor([dim / 2], base), attentionScaling: 1 };
  const type = scaling.has("rope_type") ? scaling.oneOf("rope_type", ROPE_TYPES) : scaling.oneOf("type", ROPE_TYPES);
  scaling.ignore("rope_type", "type");
  let inv = base;
  if (type === "linear") {
    const factor = scaling.number("factor", { above: 0 });
    inv = base.map((f) => Math.fround(f / factor));
  } else if (type === "llama3") {
    inv = llama3InvFreq(base, scaling);
  }
  scaling.finish();
  return { invFreq: tensor([dim / 2], inv), attentionScaling: 1 };
}

/** inv_freq[i] = 1 / θ^(2i/dim), each step rounded to f32 as torch computes it. */
function defaultInvFreq(theta: number, dim: number): Float32Array {
  const inv = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) inv[i] = Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / dim)));
  return inv;
}

/** Llama 3.1 scaling: low frequencies divided by `factor`, high ones kept, a smooth ramp between. */
function llama3InvFreq(base: Float32Array, cfg: ConfigReader): Float32Array {
  const factor = cfg.number("factor", { above: 0 });
  const low = cfg.number("low_freq_factor", { above: 0 });
  const high = cfg.number("high_freq_factor", { above: 0 });
  const original = cfg.int("original_max_position_embeddings");
  if (high <= low) cfg.fail("high_freq_factor", `must exceed low_freq_factor (${low}), got ${high}`);
  const lowWavelen = original / low;
  const highWavelen = original / high;
  return base.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f;
    if (wavelen > lowWavelen) return Math.fround(f / factor);
    const smooth = (original / wavelen - low) / (high - low);
    return Math.fround((1 - smooth) * (f / factor) + smooth * f);
  });
}
