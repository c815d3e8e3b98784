/**
 * What `router eval` evaluates on: train rows (the baselines', and the router's unless --artifact) and test
 * tasks, from a dataset folder of --data, from records files, or one side from each.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { alignSameModels } from "../router/align-models.ts";
import { heldOutTasks } from "../router/held-out-tasks.ts";
import { datasetNames, loadDataset, mergeSets } from "../router/outcome-files.ts";
import type { OutcomeSet, SkipLog } from "../router/outcome-set.ts";
import { readOutcomeRecords } from "../router/read-records.ts";
import { usageError } from "./command-args.ts";

export interface EvalData {
  /** the report section's name: the dataset, or the test records' file name */
  name: string;
  train: OutcomeSet;
  /** one set per task, columns in the train order */
  test: OutcomeSet[];
  /** every reader's and filter's skipped rows */
  skipped: SkipLog[];
}

export interface EvalSources {
  data: string;
  /** a folder of `data`, "all", or undefined (all, unless train and records are both given) */
  dataset: string | undefined;
  /** train records (JSON Lines) */
  train: string | undefined;
  /** test records (JSON Lines) */
  records: string | undefined;
}

async function readRecords(file: string): Promise<OutcomeSet> {
  return readOutcomeRecords(await readFile(file, "utf8"), file);
}

/** The evaluations the sources ask for: one per dataset folder, or one over records. */
export async function loadEvalData(s: EvalSources, usage: string): Promise<EvalData[]> {
  if (!s.train && !s.records) {
    const names = s.dataset === undefined || s.dataset === "all" ? await datasetNames(s.data) : [s.dataset];
    return Promise.all(names.map((name) => loadDatasetEval(s.data, name)));
  }
  const needsDataset = !s.train || !s.records;
  if (needsDataset && (s.dataset === undefined || s.dataset === "all")) {
    throw usageError(`--${s.train ? "train" : "records"} alone: name the dataset of the other side with --dataset <name>, or give both --train and --records`, usage);
  }
  if (!needsDataset && s.dataset !== undefined) throw usageError("--dataset: both sides are records (--train and --records)", usage);
  const dataset = s.dataset ?? "";
  const train = s.train ? await readRecords(s.train) : mergeSets(`${dataset}/train`, await loadDataset(s.data, dataset, "train"));
  if (train.rows.length === 0) throw new Error(`${train.name}: no usable train rows (${train.skipped.total} skipped)`);
  const testSet = s.records ? await readRecords(s.records) : mergeSets(`${dataset}/test`, await loadDataset(s.data, dataset, "test"));
  // Train and test from different sources may share prompts; heldOutTasks drops those.
  const held = heldOutTasks(testSet, train);
  if (held.extraModels.length > 0) console.warn(`${testSet.name}: no train rows for ${held.extraModels.join(", ")}; left out`);
  return [{ name: s.records ? basename(s.records) : dataset, train, test: held.tasks, skipped: [train.skipped, held.skipped] }];
}

/** A dataset's own split: its test files are held out by construction. */
async function loadDatasetEval(dataDir: string, name: string): Promise<EvalData> {
  const train = mergeSets(`${name}/train`, await loadDataset(dataDir, name, "train"));
  const test = (await loadDataset(dataDir, name, "test")).map((t) => alignSameModels(t, train.modelIds, `${name}/test: '${t.name}'`));
  return { name, train, test, skipped: [train.skipped, ...test.map((t) => t.skipped)] };
}
