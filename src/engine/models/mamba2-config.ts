import type { ConfigReader } from "./config-reader.ts";
import type { Mamba2MixerConfig } from "./mamba2-mixer.ts";

/** Where one architecture keeps the Mamba-2 mixer settings in config.json (Mamba2 and Bamba name them differently). */
export interface Mamba2Keys {
  heads: string;
  headDim: string;
  groups: string;
  state: string;
  expand: string;
  conv: string;
  convBias: string;
  projBias: string;
}

/**
 * Reads and cross-checks a Mamba-2 mixer config: heads·head_dim must equal expand·hidden_size and the groups must
 * divide the heads. time_step_limit defaults to (0, ∞) as in HF.
 */
export function readMamba2Mixer(cfg: ConfigReader, dModel: number, eps: number, keys: Mamba2Keys): Mamba2MixerConfig {
  const nHeads = cfg.int(keys.heads);
  const headDim = cfg.int(keys.headDim);
  const nGroups = cfg.int(keys.groups);
  const expand = cfg.number(keys.expand, { above: 0 });
  if (nHeads * headDim !== expand * dModel) {
    cfg.fail(keys.heads, `× ${keys.headDim} (${nHeads}·${headDim}) must equal ${keys.expand} × hidden_size (${expand}·${dModel})`);
  }
  if (nHeads % nGroups !== 0) cfg.fail(keys.groups, `(${nGroups}) must divide ${keys.heads} (${nHeads})`);
  const limit = cfg.numberList("time_step_limit", [0, Infinity]);
  if (limit.length !== 2 || !(limit[0]! <= limit[1]!)) cfg.fail("time_step_limit", `must be [low, high] with low ≤ high`);
  return {
    dModel,
    nHeads,
    headDim,
    dState: cfg.int(keys.state),
    nGroups,
    convKernel: cfg.int(keys.conv),
    convBias: cfg.bool(keys.convBias, true),
    projBias: cfg.bool(keys.projBias, false),
    normEps: eps,
    normGroupSize: nHeads * headDim,
    dtLimit: [limit[0]!, limit[1]!],
  };
}
