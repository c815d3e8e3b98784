/**
 * `switchyard router train`: trains the learned router on outcome data — a shared dataset (RouterBench
 * or model7, train split) or the project's own records (JSON Lines from `switchyard calibrate` or exported
 * feedback) — and writes <out>/<version>.onnx with its <version>.json sidecar for `router publish`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { argmax, modelMeans } from "../../router/baselines.ts";
import { applyShift, chooseShift } from "../../router/best-single-shift.ts";
import { featurize } from "../../router/features.ts";
import { predictQualities } from "../../router/mf-model.ts";
import { DEFAULT_DATA_DIR, type DatasetName } from "../../router/outcome-files.ts";
import type { OutcomeSet } from "../../router/outcome-set.ts";
import { readOutcomeRecords } from "../../router/read-records.ts";
import { newVersion, writeArtifact } from "../../router/router-artifact.ts";
import { DEFAULT_TRAIN_OPTIONS, trainRouter, type TrainOptions } from "../../router/train.ts";
import { prepareData, splitValidation, toExamples } from "../../router/training-data.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard router train [options]
  --dataset <name>      routerbench | model7 (train split of the shared data)   [model7]
  --records <file>      train on outcome records (JSON Lines) instead of a dataset
  --data <dir>          outcome data directory                                   [${DEFAULT_DATA_DIR}]
  --out <dir>           where <version>.onnx and <version>.json go               [.router]
  --version <id>        version id                                               [router-<UTC time>]
  --epochs <n>          [${DEFAULT_TRAIN_OPTIONS.epochs}]   --hidden <n> [${DEFAULT_TRAIN_OPTIONS.hidden}]   --embed <n> [${DEFAULT_TRAIN_OPTIONS.embed}]   --seed <n> [${DEFAULT_TRAIN_OPTIONS.seed}]`;

/** Trains with a progress bar; shared with `switchyard calibrate`. */
export async function trainAndWrite(
  name: string,
  set: OutcomeSet,
  options: Partial<TrainOptions>,
  out: string,
  version: string,
): Promise<{ onnx: string; bytes: number }> {
  for (const line of set.skipped.describe()) console.warn(`skipped: ${line}`);
  if (set.rows.length < 4) throw new Error(`${name}: ${set.rows.length} usable rows; need at least 4 to train`);
  const { fit, validation } = splitValidation(set.rows, 0.1, options.seed ?? DEFAULT_TRAIN_OPTIONS.seed);
  const epochs = options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs;
  const bar = new cliProgress.SingleBar({ format: `train ${name} [{bar}] epoch {value}/{total} {info}` }, cliProgress.Presets.shades_classic);
  bar.start(epochs, 0, { info: "" });
  const xs = fit.map((r) => featurize(r.prompt));
  const { model, bestEpoch, history } = trainRouter(toExamples(fit, xs), toExamples(validation.length > 0 ? validation : fit), set.modelIds, options, (r) =>
    bar.update(r.epoch, { info: `val loss ${r.valLoss.toFixed(4)}, val routed quality ${(100 * r.valRoutedQuality).toFixed(2)}%` }),
  );
  bar.update(epochs);
  bar.stop();
  const best = history[bestEpoch - 1];
  // As in `router eval`: choices (epoch count; without cost data, the shrinkage δ towards the best single model)
  // are made on validation, then the router is refitted on every row for the kept epoch count.
  let shrinkage = null;
  let shift = { top: 0, delta: 0 };
  if (validation.length > 0 && !set.rows.every((r) => r.costs)) {
    const top = argmax(modelMeans(fit, set.modelIds.length).quality);
    const chosen = chooseShift(
      validation.map((r) => predictQualities(model, featurize(r.prompt))),
      validation.map((r) => r.scores),
      top,
    );
    shift = { top, delta: chosen.delta };
    shrinkage = { model: set.modelIds[top], delta: chosen.delta, validationRoutedQuality: chosen.quality };
  }
  const final = validation.length > 0 ? trainRouter(toExamples(set.rows), [], set.modelIds, { ...options, epochs: bestEpoch, selectBy: "last" }).model : model;
  applyShift(final, shift.top, shift.delta);
  const metrics = { source: name, trainRows: set.rows.length, validationRows: validation.length, skippedRows: set.skipped.total, bestEpoch, validation: best ?? null, shrinkage };
  const written = await writeArtifact(out, final, version, metrics);
  console.log(`wrote ${written.onnx} (${(written.bytes / 1e6).toFixed(2)} MB) and ${written.meta}`);
  return written;
}

/** Runs the command. */
export async function run(argv: string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(usage);
    return;
  }
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      dataset: { type: "string", default: "model7" },
      records: { type: "string" },
      data: { type: "string", default: join(root, DEFAULT_DATA_DIR) },
      out: { type: "string", default: join(root, ".router") },
      version: { type: "string", default: newVersion() },
      epochs: { type: "string", default: String(DEFAULT_TRAIN_OPTIONS.epochs) },
      hidden: { type: "string", default: String(DEFAULT_TRAIN_OPTIONS.hidden) },
      embed: { type: "string", default: String(DEFAULT_TRAIN_OPTIONS.embed) },
      seed: { type: "string", default: String(DEFAULT_TRAIN_OPTIONS.seed) },
    },
  });
  const options = { epochs: Number(values.epochs), hidden: Number(values.hidden), embed: Number(values.embed), seed: Number(values.seed) };
  if (!Object.values(options).every((v) => Number.isInteger(v) && v > 0)) throw new Error(`--epochs, --hidden, --embed and --seed take positive integers\n${usage}`);
  let set: OutcomeSet;
  let name: string;
  if (values.records) {
    name = values.records;
    set = readOutcomeRecords(await readFile(values.records, "utf8"), values.records);
  } else {
    if (values.dataset !== "model7" && values.dataset !== "routerbench") throw new Error(`unknown dataset '${values.dataset}'\n${usage}`);
    name = values.dataset;
    const prepared = await prepareData(values.data, values.dataset as DatasetName, 0, options.seed);
    set = prepared.trainSet;
  }
  await trainAndWrite(name, set, options, values.out, values.version);
}
