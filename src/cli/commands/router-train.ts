/**
 * `switchyard router train`: trains the learned router on outcome data — a dataset folder's train split
 * (RouterBench, model7 or one's own) or the project's own records (JSON Lines from `switchyard calibrate`,
 * exported feedback or any file of that shape) — and writes <out>/<version>.onnx with its <version>.json
 * sidecar for `router publish` and `router eval --artifact`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseCommandArgs } from "../command-args.ts";
import { FIT_ARG_OPTIONS, FIT_USAGE, readFitArgs } from "../fit-args.ts";
import { startProgress } from "../progress.ts";
import { featurize } from "../../router/features.ts";
import { fitEpochCount, fitOptionsFor, fitRouter, type FitSettings } from "../../router/fit-router.ts";
import { DEFAULT_DATA_DIR, loadDataset, mergeSets } from "../../router/outcome-files.ts";
import type { OutcomeSet } from "../../router/outcome-set.ts";
import { readOutcomeRecords } from "../../router/read-records.ts";
import { newVersion, writeArtifact } from "../../router/router-artifact.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard router train [options]
  --dataset <name>      a folder of --data: its <task>_train files (model7, routerbench, …) [model7]
  --records <file>      train on outcome records (JSON Lines) instead of a dataset
  --data <dir>          outcome data directory                                   [${DEFAULT_DATA_DIR}]
  --out <dir>           where <version>.onnx and <version>.json go               [.router]
  --version <id>        version id                                               [router-<UTC time>]
${FIT_USAGE}`;

/** Fits (cross-validated choices, then a refit on every row) with progress; shared with `switchyard calibrate`. */
export async function trainAndWrite(name: string, set: OutcomeSet, settings: FitSettings, out: string, version: string): Promise<{ onnx: string; bytes: number }> {
  for (const line of set.skipped.describe()) console.warn(`skipped: ${line}`);
  if (set.rows.length < 4) throw new Error(`${name}: ${set.rows.length} usable rows; need at least 4 to train`);
  const fitOptions = fitOptionsFor(set.rows, settings);
  console.warn(`choosing by out-of-fold ${fitOptions.selectBy === "budget" ? "quality within 30% of each task's best single model's cost" : "routed quality"}`);
  const progress = startProgress(`train ${name}`, "epoch", fitEpochCount(set.rows.length, fitOptions));
  const xs = set.rows.map((r) => featurize(r.prompt));
  const fit = fitRouter(set.rows, xs, set.modelIds, fitOptions, (info) => progress.tick(info));
  progress.stop();
  const chosen = fit.chosen;
  const metrics = {
    source: name,
    trainRows: set.rows.length,
    skippedRows: set.skipped.total,
    settings,
    selectBy: fitOptions.selectBy,
    shrinkage: fit.beta,
    epochs: fit.epochs,
    crossValidation: chosen,
    shift: fit.shift,
  };
  const written = await writeArtifact(out, fit.model, version, metrics);
  console.log(`β = ${fit.beta}, ${fit.epochs} epochs${chosen ? ` (out-of-fold routed quality ${(100 * chosen.routedQuality).toFixed(2)}%)` : ""}`);
  console.log(`wrote ${written.onnx} (${(written.bytes / 1e6).toFixed(2)} MB) and ${written.meta}`);
  return written;
}

/** Runs the command. */
export async function run(argv: string[]): Promise<void> {
  const values = parseCommandArgs(argv, usage, {
    options: {
      dataset: { type: "string", default: "model7" },
      records: { type: "string" },
      data: { type: "string", default: join(root, DEFAULT_DATA_DIR) },
      out: { type: "string", default: join(root, ".router") },
      version: { type: "string", default: newVersion() },
      ...FIT_ARG_OPTIONS,
    },
  })?.values;
  if (!values) return;
  const settings = readFitArgs(values, usage);
  let set: OutcomeSet;
  let name: string;
  if (values.records) {
    name = values.records;
    set = readOutcomeRecords(await readFile(values.records, "utf8"), values.records);
  } else {
    name = values.dataset;
    set = mergeSets(`${values.dataset}/train`, await loadDataset(values.data, values.dataset, "train"));
  }
  await trainAndWrite(name, set, settings, values.out, values.version);
}
