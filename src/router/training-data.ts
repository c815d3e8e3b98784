import { featurize, type SparseFeatures } from "./features.ts";
import { alignSameModels } from "./align-models.ts";
import { loadDataset, mergeSets } from "./outcome-files.ts";
import type { OutcomeRow, OutcomeSet } from "./outcome-set.ts";

/** Public parameter counts of model7's models: the cost proxy for "cheapest" (the data has no cost column). */
export const MODEL7_PARAMS: Record<string, number> = {
  "mistralai/Mistral-7B-v0.1": 7.24e9,
  "meta-math/MetaMath-Mistral-7B": 7.24e9,
  "itpossible/Chinese-Mistral-7B-v0.1": 7.36e9,
  "HuggingFaceH4/zephyr-7b-beta": 7.24e9,
  "cognitivecomputations/dolphin-2.6-mistral-7b": 7.24e9,
  "meta-llama/Meta-Llama-3-8B": 8.03e9,
  "cognitivecomputations/dolphin-2.9-llama3-8b": 8.03e9,
};

/** A dataset ready for training and evaluation: the train rows featurized, the test split per task. */
export interface PreparedData {
  dataset: string;
  modelIds: string[];
  rows: OutcomeRow[];
  xs: SparseFeatures[];
  test: OutcomeSet[];
  trainSet: OutcomeSet;
}

/** Loads a dataset's train and test files (test columns in the train order) and featurizes the train rows. */
export async function prepareData(dataDir: string, dataset: string): Promise<PreparedData> {
  const trainSet = mergeSets(`${dataset}/train`, await loadDataset(dataDir, dataset, "train"));
  const test = (await loadDataset(dataDir, dataset, "test")).map((s) => alignSameModels(s, trainSet.modelIds, `${dataset}/test: '${s.name}'`));
  return { dataset, modelIds: trainSet.modelIds, rows: trainSet.rows, xs: trainSet.rows.map((r) => featurize(r.prompt)), test, trainSet };
}
