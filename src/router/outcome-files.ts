import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { alignSameModels } from "./align-models.ts";
import { type OutcomeSet, SkipLog } from "./outcome-set.ts";
import { readModel7Json } from "./read-model7.ts";
import { readRouterBenchCsv } from "./read-routerbench.ts";

/** Where the shared outcome data sits relative to the project root (SOURCE.md there). */
export const DEFAULT_DATA_DIR = "../shared/data/routing";

export type Split = "train" | "test";

/**
 * A task file of a dataset folder: `<task>_<split>` or `<task>-<split>`, `.json` in model7's layout or `.csv`
 * in RouterBench's (SOURCE.md). The task is whatever the name says, so a folder of one's own works as well.
 */
const TASK_FILE = /^(.+)[_-](train|test)\.(json|csv)$/;

/** The task files of one split in a dataset folder, by task name. */
async function taskFiles(dir: string, split: Split): Promise<{ task: string; file: string }[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === "ENOENT" ? `${dir}: no such dataset folder` : `${dir}: ${err.message}`);
  });
  const files = names.flatMap((file) => {
    const m = TASK_FILE.exec(file);
    return m && m[2] === split ? [{ task: m[1] ?? file, file }] : [];
  });
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.task)) throw new Error(`${dir}: two ${split} files for task '${f.task}'`);
    seen.add(f.task);
  }
  if (files.length === 0) throw new Error(`${dir}: no ${split} files (<task>_${split}.json or <task>_${split}.csv)`);
  return files.sort((a, b) => (a.task < b.task ? -1 : 1));
}

/** The dataset folders of a data directory (each a folder holding task files), sorted. */
export async function datasetNames(dataDir: string): Promise<string[]> {
  const entries = await readdir(dataDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Reads every task file of one dataset split: one OutcomeSet per task, columns in the first file's model
 * order. A file with no usable row is an error: an empty task would count as 0% in every macro mean.
 */
export async function loadDataset(dataDir: string, dataset: string, split: Split): Promise<OutcomeSet[]> {
  const dir = join(dataDir, dataset);
  const sets: OutcomeSet[] = [];
  for (const { task, file } of await taskFiles(dir, split)) {
    const path = join(dir, file);
    const text = await readFile(path, "utf8");
    const set = file.endsWith(".csv") ? readRouterBenchCsv(text, file, task) : readModel7Json(text, file, task);
    if (set.rows.length === 0) {
      const why = set.skipped.total > 0 ? `; all ${set.skipped.total} rows skipped:\n${set.skipped.describe().join("\n")}` : "";
      throw new Error(`${path}: no usable rows${why}`);
    }
    sets.push(sets[0] ? alignSameModels(set, sets[0].modelIds, path) : set);
  }
  return sets;
}

/** Concatenates task sets into one, columns in the first set's model order. */
export function mergeSets(name: string, sets: OutcomeSet[]): OutcomeSet {
  const first = sets[0];
  if (!first) throw new Error(`${name}: no outcome sets to merge`);
  const skipped = new SkipLog();
  const aligned = sets.map((s) => alignSameModels(s, first.modelIds, `${name}: '${s.name}'`));
  for (const s of aligned) skipped.merge(s.skipped);
  return { name, modelIds: first.modelIds, rows: aligned.flatMap((s) => s.rows), skipped };
}
