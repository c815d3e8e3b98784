import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadCheckpoint } from "../../../src/engine/checkpoint/load-checkpoint.ts";
import type { WeightStore } from "../../../src/engine/models/causal-lm.ts";

/** The reference data generated with HF transformers 5.17 (fp32) for one fixture. */
export interface Reference {
  input_ids: number[];
  /** logits at every position [n][vocab] */
  logits: number[][];
  mean_nll: number;
  greedy: { prompt_ids: number[]; new_ids: number[] };
}

const FIXTURES = join(import.meta.dirname, "../../fixtures/reference");

/** One reference fixture through the real checkpoint loader, with its reference.json. */
export async function readFixture(name: string): Promise<{ config: Record<string, unknown>; tensors: WeightStore; reference: Reference }> {
  const dir = join(FIXTURES, name);
  const { config, tensors } = await loadCheckpoint(dir);
  const reference = JSON.parse(await readFile(join(dir, "reference.json"), "utf8")) as Reference;
  return { config, tensors, reference };
}
