import type { ConfigReader } from "./config-reader.ts";

/** Head layout of the attention layers, as Llama-style configs state it. */
export interface AttentionShape {
  heads: number;
  kvHeads: number;
  headDim: number;
}

/**
 * num_attention_heads, num_key_value_heads (default: all heads) and head_dim (default hidden_size / heads, which
 * must then divide). Key/value heads must divide the query heads.
 */
export function readAttentionShape(cfg: ConfigReader, dModel: number): AttentionShape {
  const heads = cfg.int("num_attention_heads");
  const kvHeads = cfg.has("num_key_value_heads") ? cfg.int("num_key_value_heads") : heads;
  if (heads % kvHeads !== 0) cfg.fail("num_key_value_heads", `(${kvHeads}) must divide num_attention_heads (${heads})`);
  let headDim: number;
  if (cfg.has("head_dim")) {
    headDim = cfg.int("head_dim");
  } else {
    if (dModel % heads !== 0) cfg.fail("num_attention_heads", `(${heads}) must divide hidden_size (${dModel})`);
    headDim = dModel / heads;
  }
  return { heads, kvHeads, headDim };
}
