import type { TensorToWrite } from "../checkpoint/safetensors.ts";
import { normalFrom, seededRandom } from "../seeded-random.ts";
import { numel, tensor } from "../tensor.ts";

/**
 * Random-init weights for the demo configs, with the names and shapes transformers uses and its initialisation:
 * normal(0, initializer_range) matrices and embeddings, RMSNorm weights 1, Mamba A_log = log(1..N) per channel,
 * D = 1, dt_proj bias = softplus⁻¹ of a log-uniform step in [time_step_min, time_step_max]; Mamba-2 (Bamba)
 * A_log = log(1..H) per head, D = 1, dt_bias = 1. Glossary: D d_model · I d_inner · N d_state · R dt_rank ·
 * K conv width · H heads · G groups · F MLP width · V vocabulary.
 */
type Weights = Record<string, TensorToWrite>;
type Config = Record<string, unknown>;

function int(config: Config, key: string): number {
  const v = config[key];
  if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`demo config: ${key} must be an integer`);
  return v;
}

function num(config: Config, key: string): number {
  const v = config[key];
  if (typeof v !== "number") throw new Error(`demo config: ${key} must be a number`);
  return v;
}

/** Fills tensors from one seeded stream, in the order they are created, so the result is reproducible. */
class Init {
  readonly weights: Weights = {};
  private readonly rand: () => number;

  constructor(seed: number) {
    this.rand = seededRandom(seed);
  }

  private put(name: string, shape: number[], fill: (i: number) => number): void {
    const data = new Float32Array(numel(shape));
    for (let i = 0; i < data.length; i++) data[i] = fill(i);
    this.weights[name] = { dtype: "F32", tensor: tensor(shape, data) };
  }

  normal(name: string, shape: number[], std: number): void {
    this.put(name, shape, () => std * normalFrom(this.rand));
  }

  uniform(name: string, shape: number[], bound: number): void {
    this.put(name, shape, () => (2 * this.rand() - 1) * bound);
  }

  fill(name: string, shape: number[], value: number): void {
    this.put(name, shape, () => value);
  }

  from(name: string, shape: number[], f: (i: number) => number): void {
    this.put(name, shape, f);
  }

  /** A draw for values computed outside put (dt bias). */
  next(): number {
    return this.rand();
  }
}

/** MambaForCausalLM weights, as modeling_mamba.py names them (lm_head tied, so not stored). */
function mambaWeights(c: Config, init: Init): void {
  const [D, I, N, R, K, V, L] = [int(c, "hidden_size"), int(c, "intermediate_size"), int(c, "state_size"), int(c, "time_step_rank"), int(c, "conv_kernel"), int(c, "vocab_size"), int(c, "num_hidden_layers")];
  const std = num(c, "initializer_range");
  const [dtMin, dtMax, floor] = [num(c, "time_step_min"), num(c, "time_step_max"), num(c, "time_step_floor")];
  init.normal("backbone.embeddings.weight", [V, D], std);
  for (let l = 0; l < L; l++) {
    const p = `backbone.layers.${l}`;
    init.fill(`${p}.norm.weight`, [D], 1);
    init.normal(`${p}.mixer.in_proj.weight`, [2 * I, D], std);
    init.uniform(`${p}.mixer.conv1d.weight`, [I, 1, K], 1 / Math.sqrt(K)); // PyTorch's Conv1d default bound
    init.uniform(`${p}.mixer.conv1d.bias`, [I], 1 / Math.sqrt(K));
    init.normal(`${p}.mixer.x_proj.weight`, [R + 2 * N, I], std);
    init.uniform(`${p}.mixer.dt_proj.weight`, [I, R], R ** -0.5 * num(c, "time_step_scale"));
    init.from(`${p}.mixer.dt_proj.bias`, [I], () => {
      const dt = Math.max(Math.exp(init.next() * (Math.log(dtMax) - Math.log(dtMin)) + Math.log(dtMin)), floor);
      return dt + Math.log(-Math.expm1(-dt)); // softplus⁻¹(dt)
    });
    init.from(`${p}.mixer.A_log`, [I, N], (i) => Math.log((i % N) + 1));
    init.fill(`${p}.mixer.D`, [I], 1);
    init.normal(`${p}.mixer.out_proj.weight`, [D, I], std);
  }
  init.fill("backbone.norm_f.weight", [D], 1);
}

/** Attention projections of one decoder layer (Llama and Bamba share them). */
function attention(p: string, c: Config, headDim: number, init: Init): void {
  const [D, heads, kv] = [int(c, "hidden_size"), int(c, "num_attention_heads"), int(c, "num_key_value_heads")];
  const std = num(c, "initializer_range");
  init.normal(`${p}.q_proj.weight`, [heads * headDim, D], std);
  init.normal(`${p}.k_proj.weight`, [kv * headDim, D], std);
  init.normal(`${p}.v_proj.weight`, [kv * headDim, D], std);
  init.normal(`${p}.o_proj.weight`, [D, heads * headDim], std);
}

/** SwiGLU MLP of one decoder layer. */
function mlp(p: string, c: Config, init: Init): void {
  const [D, F] = [int(c, "hidden_size"), int(c, "intermediate_size")];
  const std = num(c, "initializer_range");
  init.normal(`${p}.gate_proj.weight`, [F, D], std);
  init.normal(`${p}.up_proj.weight`, [F, D], std);
  init.normal(`${p}.down_proj.weight`, [D, F], std);
}

/** LlamaForCausalLM weights, as modeling_llama.py names them. */
function llamaWeights(c: Config, init: Init): void {
  const [D, V, L] = [int(c, "hidden_size"), int(c, "vocab_size"), int(c, "num_hidden_layers")];
  const std = num(c, "initializer_range");
  init.normal("model.embed_tokens.weight", [V, D], std);
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    init.fill(`${p}.input_layernorm.weight`, [D], 1);
    attention(`${p}.self_attn`, c, int(c, "head_dim"), init);
    init.fill(`${p}.post_attention_layernorm.weight`, [D], 1);
    mlp(`${p}.mlp`, c, init);
  }
  init.fill("model.norm.weight", [D], 1);
  init.normal("lm_head.weight", [V, D], std);
}

/** BambaForCausalLM weights, as modeling_bamba.py names them: a Mamba-2 mixer or attention, then the MLP. */
function bambaWeights(c: Config, init: Init): void {
  const [D, V, L] = [int(c, "hidden_size"), int(c, "vocab_size"), int(c, "num_hidden_layers")];
  const [H, P, N, G, K] = [int(c, "mamba_n_heads"), int(c, "mamba_d_head"), int(c, "mamba_d_state"), int(c, "mamba_n_groups"), int(c, "mamba_d_conv")];
  const I = H * P;
  const convDim = I + 2 * G * N;
  const std = num(c, "initializer_range");
  const attentionAt = new Set(c.attn_layer_indices as number[]);
  init.normal("model.embed_tokens.weight", [V, D], std);
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    init.fill(`${p}.input_layernorm.weight`, [D], 1);
    if (attentionAt.has(l)) {
      attention(`${p}.self_attn`, c, D / int(c, "num_attention_heads"), init);
    } else {
      init.normal(`${p}.mamba.in_proj.weight`, [I + convDim + H, D], std); // [z | x B C | dt]
      init.normal(`${p}.mamba.conv1d.weight`, [convDim, 1, K], std);
      init.fill(`${p}.mamba.conv1d.bias`, [convDim], 0);
      init.fill(`${p}.mamba.dt_bias`, [H], 1);
      init.from(`${p}.mamba.A_log`, [H], (h) => Math.log(h + 1));
      init.fill(`${p}.mamba.D`, [H], 1);
      init.fill(`${p}.mamba.norm.weight`, [I], 1);
      init.normal(`${p}.mamba.out_proj.weight`, [D, I], std);
    }
    init.fill(`${p}.pre_ff_layernorm.weight`, [D], 1);
    mlp(`${p}.feed_forward`, c, init);
  }
  init.fill("model.final_layernorm.weight", [D], 1);
  init.normal("lm_head.weight", [V, D], std);
}

const BUILDERS: Record<string, (c: Config, init: Init) => void> = {
  MambaForCausalLM: mambaWeights,
  LlamaForCausalLM: llamaWeights,
  BambaForCausalLM: bambaWeights,
};

/** The weights of a demo config, reproducible from `seed`. */
export function demoWeights(config: Config, seed: number): Weights {
  const arch = (config.architectures as string[] | undefined)?.[0] ?? "";
  const build = BUILDERS[arch];
  if (!build) throw new Error(`demo weights: no builder for ${arch || "a config without architectures"}`);
  const init = new Init(seed);
  build(config, init);
  return init.weights;
}
