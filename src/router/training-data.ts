import { featurize, type SparseFeatures } from "./features.ts";
import { seededRandom } from "./mf-model.ts";
import { type DatasetName, loadDataset, mergeSets } from "./outcome-files.ts";
import type { OutcomeRow, OutcomeSet } from "./outcome-set.ts";
import type { TrainExample } from "./train.ts";

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

/** A dataset ready for training and evaluation: train rows split into fit and validation, test per task. */
export interface PreparedData {
  dataset: DatasetName;
  modelIds: string[];
  fit: OutcomeRow[];
  fitX: SparseFeatures[];
  validation: OutcomeRow[];
  test: OutcomeSet[];
  trainSet: OutcomeSet;
}

/** Holds out `fraction` of each task's train rows (seeded) for validation; the test split stays untouched. */
export function splitValidation(rows: OutcomeRow[], fraction: number, seed: number): { fit: OutcomeRow[]; validation: OutcomeRow[] } {
  const rand = seededRandom(seed);
  const fit: OutcomeRow[] = [];
  const validation: OutcomeRow[] = [];
  const tasks = [...new Set(rows.map((r) => r.task))];
  for (const task of tasks) {
    const taskRows = rows.filter((r) => r.task === task);
    const keyed = taskRows.map((r) => ({ r, k: rand() })).sort((a, b) => a.k - b.k);
    const nVal = Math.round(taskRows.length * fraction);
    keyed.forEach(({ r }, i) => (i < nVal ? validation : fit).push(r));
  }
  return { fit, validation };
}

/** Loads a dataset's train and test files, splits validation off train and featurizes the fit rows. */
export async function prepareData(dataDir: string, dataset: DatasetName, valFraction: number, seed: number): Promise<PreparedData> {
  const trainSet = mergeSets(`${dataset}/train`, await loadDataset(dataDir, dataset, "train"));
  const test = await loadDataset(dataDir, dataset, "test");
  const { fit, validation } = splitValidation(trainSet.rows, valFraction, seed);
  return { dataset, modelIds: trainSet.modelIds, fit, fitX: fit.map((r) => featurize(r.prompt)), validation, test, trainSet };
}

/** Training examples from rows (features + quality vector). */
export function toExamples(rows: OutcomeRow[], xs?: SparseFeatures[]): TrainExample[] {
  return rows.map((r, i) => ({ x: xs?.[i] ?? featurize(r.prompt), y: r.scores }));
}
