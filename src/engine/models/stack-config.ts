import type { ConfigReader } from "./config-reader.ts";

/** The sizes of the stack around the layers. */
export interface StackSizes {
  dModel: number;
  layers: number;
  vocab: number;
}

/** hidden_size, num_hidden_layers and vocab_size, which every architecture here names alike. */
export function readStackSizes(cfg: ConfigReader): StackSizes {
  return { dModel: cfg.int("hidden_size"), layers: cfg.int("num_hidden_layers"), vocab: cfg.int("vocab_size") };
}

/** Reads the SwiGLU activation every architecture here uses, failing on any other. */
export function readSiluAct(cfg: ConfigReader): void {
  cfg.oneOf("hidden_act", ["silu", "swish"], "silu");
}
