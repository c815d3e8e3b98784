import type { Ops } from "../ops.ts";
import { createBamba } from "./bamba.ts";
import type { CausalLM, WeightStore } from "./causal-lm.ts";
import { ModelConfigError } from "./config-reader.ts";
import { createJamba } from "./jamba.ts";
import { createLlama } from "./llama.ts";
import { createMamba } from "./mamba.ts";
import { createMamba2 } from "./mamba2.ts";

type Factory = (config: Record<string, unknown>, tensors: WeightStore, ops: Ops) => CausalLM;

const FACTORIES: Record<string, Factory> = {
  MambaForCausalLM: createMamba,
  Mamba2ForCausalLM: createMamba2,
  LlamaForCausalLM: createLlama,
  BambaForCausalLM: createBamba,
  JambaForCausalLM: createJamba,
};

/** HF architectures this engine runs. */
export const SUPPORTED_ARCHITECTURES = Object.keys(FACTORIES);

/**
 * Builds the model graph that config.json's `architectures[0]` names, on `ops`. Config and weights are checked
 * strictly: an unknown architecture, an odd config value, a missing, misshapen or unused tensor is an error
 * naming config.json and the key, or the tensor.
 * @example
 *   const ckpt = await loadCheckpoint(dir);
 *   const model = createModel(ckpt, cpuOps);
 *   const logits = model.forward(ids, model.newState());
 */
export function createModel(source: { config: Record<string, unknown>; tensors: WeightStore }, ops: Ops): CausalLM {
  const archs = source.config.architectures;
  const arch = Array.isArray(archs) ? archs[0] : undefined;
  if (typeof arch !== "string") {
    throw new ModelConfigError(`config.json: "architectures" must be a list naming the model class, got ${JSON.stringify(archs)}`);
  }
  const factory = FACTORIES[arch];
  if (!factory) {
    throw new ModelConfigError(
      `config.json: architecture "${arch}" is not supported; supported: ${SUPPORTED_ARCHITECTURES.join(", ")}`,
    );
  }
  return factory(source.config, source.tensors, ops);
}
