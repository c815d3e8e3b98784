import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type OutcomeSet, SkipLog } from "./outcome-set.ts";
import { readModel7Json } from "./read-model7.ts";
import { readRouterBenchCsv } from "./read-routerbench.ts";

/** Where the shared outcome data sits relative to the project root (SOURCE.md there). */
export const DEFAULT_DATA_DIR = "../shared/data/routing";

export type Split = "train" | "test";
export type DatasetName = "routerbench" | "model7";

const ROUTERBENCH_TASKS = ["arc_challenge", "mbpp", "winograde"];
/** model7's files; HumanEval has a train file only, so it trains but is not one of the five test tasks */
const MODEL7_FILES: Record<Split, Record<string, string>> = {
  train: {
    arc_challenge: "arc_challenge_train.json",
    arc_easy: "arc_easy_train.json",
    cmmlu: "cmmlu_train.json",
    gsm8k: "gsm8k-train.json",
    humaneval: "humaneval_train.json",
    mmlu: "mmlu_train.json",
  },
  test: {
    arc_challenge: "arc_challenge_test.json",
    arc_easy: "arc_easy_test.json",
    cmmlu: "cmmlu_test.json",
    gsm8k: "gsm8k-test.json",
    mmlu: "mmlu_test.json",
  },
};

/** Reads every task file of one dataset split; one OutcomeSet per task, all with the same model order. */
export async function loadDataset(dataDir: string, dataset: DatasetName, split: Split): Promise<OutcomeSet[]> {
  if (dataset === "routerbench") {
    return Promise.all(
      ROUTERBENCH_TASKS.map(async (task) => {
        const file = `${task}_${split}.csv`;
        return readRouterBenchCsv(await readFile(join(dataDir, "routerbench", file), "utf8"), file, task);
      }),
    );
  }
  const sets: OutcomeSet[] = [];
  let ids: string[] | undefined;
  for (const [task, file] of Object.entries(MODEL7_FILES[split])) {
    const set = readModel7Json(await readFile(join(dataDir, "model7", file), "utf8"), file, task, ids);
    ids = set.modelIds;
    sets.push(set);
  }
  return sets;
}

/** Concatenates task sets that share one model order into one set. */
export function mergeSets(name: string, sets: OutcomeSet[]): OutcomeSet {
  const first = sets[0];
  if (!first) throw new Error(`${name}: no outcome sets to merge`);
  const skipped = new SkipLog();
  for (const s of sets) {
    if (s.modelIds.join("\u0000") !== first.modelIds.join("\u0000")) throw new Error(`${name}: '${s.name}' has a different model set`);
    skipped.merge(s.skipped);
  }
  return { name, modelIds: first.modelIds, rows: sets.flatMap((s) => s.rows), skipped };
}
