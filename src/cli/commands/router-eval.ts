/**
 * `switchyard router eval`: for each dataset, trains the router on its train split (a seeded validation
 * share held out for early stopping and the λ operating point), evaluates it and the baselines on the test
 * split, and writes docs/router-eval.md, docs/router-*.svg and docs/router-eval.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { type DatasetEval, macroMeans, renderDataset, renderPlots } from "../../router/eval-report.ts";
import { argmax, modelMeans } from "../../router/baselines.ts";
import { applyShift, chooseShift } from "../../router/best-single-shift.ts";
import { outOfFoldPredictions } from "../../router/cross-validate.ts";
import { evaluateRouter } from "../../router/evaluate.ts";
import { featurize } from "../../router/features.ts";
import { predictQualities, type RouterModel } from "../../router/mf-model.ts";
import { DEFAULT_DATA_DIR, type DatasetName } from "../../router/outcome-files.ts";
import { DEFAULT_TRAIN_OPTIONS, trainRouter } from "../../router/train.ts";
import { MODEL7_PARAMS, type PreparedData, prepareData, toExamples } from "../../router/training-data.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard router eval [options]
  --data <dir>          outcome data (SOURCE.md layout)          [${DEFAULT_DATA_DIR}]
  --dataset <name>      routerbench | model7 | all               [all]
  --out <dir>           where the report and plots go            [docs]
  --epochs <n>          training epochs (early-stopped)          [${DEFAULT_TRAIN_OPTIONS.epochs}]
  --seed <n>            seed of init, shuffling and validation   [${DEFAULT_TRAIN_OPTIONS.seed}]
  --val <fraction>      share of each task's train rows held out [0.1]
  --folds <n>           cross-validation folds over train rows for the λ_cost operating point [5]`;

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
      data: { type: "string", default: join(root, DEFAULT_DATA_DIR) },
      dataset: { type: "string", default: "all" },
      out: { type: "string", default: join(root, "docs") },
      epochs: { type: "string", default: String(DEFAULT_TRAIN_OPTIONS.epochs) },
      seed: { type: "string", default: String(DEFAULT_TRAIN_OPTIONS.seed) },
      val: { type: "string", default: "0.1" },
      folds: { type: "string", default: "5" },
    },
  });
  const datasets: DatasetName[] = values.dataset === "all" ? ["model7", "routerbench"] : [values.dataset as DatasetName];
  if (!datasets.every((d) => d === "model7" || d === "routerbench")) throw new Error(`unknown dataset '${values.dataset}'\n${usage}`);
  const epochs = Number(values.epochs);
  const seed = Number(values.seed);
  const valFraction = Number(values.val);
  const folds = Number(values.folds);
  if (!(epochs > 0) || !Number.isInteger(seed) || !(valFraction > 0 && valFraction < 0.5) || !(Number.isInteger(folds) && folds >= 2)) {
    throw new Error(`bad --epochs, --seed, --val or --folds\n${usage}`);
  }

  const command = `switchyard router eval --dataset ${values.dataset} --epochs ${epochs} --seed ${seed} --val ${valFraction} --folds ${folds}`;
  const sections: string[] = [];
  const json: Record<string, unknown> = {};
  await mkdir(values.out, { recursive: true });
  for (const dataset of datasets) {
    const d = await prepareData(values.data, dataset, valFraction, seed);
    const trainBar = new cliProgress.SingleBar({ format: `${dataset} train [{bar}] epoch {value}/{total} {info}` }, cliProgress.Presets.shades_classic);
    trainBar.start(epochs, 0, { info: "" });
    const withCost = d.trainSet.rows.every((r) => r.costs);
    const { model, bestEpoch, history } = trainRouter(toExamples(d.fit, d.fitX), toExamples(d.validation), d.modelIds, { epochs, seed, selectBy: withCost ? "loss" : "routed-quality" }, (r) =>
      trainBar.update(r.epoch, { info: `val routed quality ${(100 * r.valRoutedQuality).toFixed(2)}%` }),
    );
    trainBar.update(epochs);
    trainBar.stop();
    const tuning = withCost ? crossValidated(d, folds, { epochs: bestEpoch, seed }) : shrinkToBestSingle(d, model);
    // Choices made, the router is refitted on every train row (validation included) for the kept epoch count.
    const all = [...d.fit, ...d.validation];
    const allX = [...d.fitX, ...d.validation.map((r) => featurize(r.prompt))];
    const final = trainRouter(toExamples(all, allX), [], d.modelIds, { epochs: bestEpoch, seed, selectBy: "last" }).model;
    if (tuning.shift) applyShift(final, tuning.shift.best, tuning.shift.delta);
    const evalBar = new cliProgress.SingleBar({ format: `${dataset} eval  [{bar}] task {value}/{total} {info}` }, cliProgress.Presets.shades_classic);
    evalBar.start(d.test.length, 0, { info: "" });
    const tasks = evaluateRouter({
      modelIds: d.modelIds,
      train: all,
      trainX: allX,
      validation: tuning.rows,
      validationPredictions: tuning.predictions,
      test: d.test,
      featurize,
      predict: (x) => predictQualities(final, x),
      costProxy: d.modelIds.map((m) => MODEL7_PARAMS[m] ?? 1),
      onTask: (task) => evalBar.increment(1, { info: task }),
    });
    evalBar.stop();
    const skipped = [d.trainSet.skipped, ...d.test.map((t) => t.skipped)].flatMap((s) => s.describe());
    const trainInfo =
      `Trained on ${d.fit.length} train prompts (${d.validation.length} held out for validation), ${d.modelIds.length} models; ` +
      `kept epoch ${bestEpoch} of ${history.length} run (validation routed quality ${(100 * (history[bestEpoch - 1]?.valRoutedQuality ?? 0)).toFixed(2)}%, ` +
      `loss ${(history[bestEpoch - 1]?.valLoss ?? 0).toFixed(4)}); encoder ${DEFAULT_TRAIN_OPTIONS.hidden} hidden → ${DEFAULT_TRAIN_OPTIONS.embed}-d embedding. ${tuning.note} The evaluated router is then refitted on all ${all.length} train prompts for ${bestEpoch} epochs (same seed); the baselines use the same ${all.length} prompts.`;
    const report: DatasetEval = { dataset, command, tasks, skipped, trainInfo };
    const plots = renderPlots(report);
    for (const p of plots) await writeFile(join(values.out, p.file), `${p.svg}\n`);
    sections.push(renderDataset(report, plots.map((p) => p.file)));
    json[dataset] = { tasks, macro: macroMeans(tasks), bestEpoch, history, skipped };
    for (const m of macroMeans(tasks)) console.log(`${dataset}  ${m.method.padEnd(58)} ${(100 * m.quality).toFixed(2)}%`);
    for (const t of tasks) {
      const op = t.curve?.operatingPoint;
      if (!op) continue;
      console.log(`${dataset}/${t.task}: ${(100 * op.quality).toFixed(2)}% at ${(100 * op.costShare).toFixed(1)}% of ${op.bestSingle}'s cost (λ=${op.lambda})`);
      const qp = op.qualityPoint;
      console.log(`${dataset}/${t.task} quality point: ${(100 * qp.quality).toFixed(2)}% at ${(100 * qp.costShare).toFixed(1)}% of its cost (λ=${qp.lambda})`);
    }
  }
  const header = [
    "# Learned router: offline evaluation",
    "",
    "Generated by `switchyard router eval` (src/cli/commands/router-eval.ts); every figure below comes from the test",
    "split, which neither training, early stopping nor the choice of λ ever reads. Quality is the dataset's per-prompt",
    "score of the chosen model (0..1, shown in %); top-1 = an optimal model was chosen; regret = oracle − chosen.",
    "",
  ];
  await writeFile(join(values.out, "router-eval.md"), `${[...header, ...sections].join("\n")}\n`);
  await writeFile(join(values.out, "router-eval.json"), `${JSON.stringify(json, null, 1)}\n`);
  console.log(`wrote ${join(values.out, "router-eval.md")}`);
}

/**
 * λ_cost is picked on out-of-fold predictions over every train row (k models at the kept epoch count), so
 * the choice rests on all of a task's train prompts rather than its small validation share.
 */
function crossValidated(d: PreparedData, folds: number, options: { epochs: number; seed: number }) {
  const rows = [...d.fit, ...d.validation];
  const xs = [...d.fitX, ...d.validation.map((r) => featurize(r.prompt))];
  const bar = new cliProgress.SingleBar({ format: `${d.dataset} cross-validation [{bar}] fold {value}/{total}` }, cliProgress.Presets.shades_classic);
  bar.start(folds, 0);
  const predictions = outOfFoldPredictions(rows, xs, d.modelIds, folds, options, (f) => bar.update(f));
  bar.stop();
  const note = `The λ_cost operating point is picked on ${folds}-fold out-of-fold predictions over all ${rows.length} train prompts (fold models trained ${options.epochs} epochs).`;
  return { rows, predictions, note, shift: null };
}

/** Chooses the shrinkage δ towards the best single model on the validation rows (applied to the refitted model's bias). */
function shrinkToBestSingle(d: PreparedData, model: RouterModel) {
  const best = argmax(modelMeans(d.fit, d.modelIds.length).quality);
  const predictions = d.validation.map((r) => predictQualities(model, featurize(r.prompt)));
  const shift = chooseShift(
    predictions,
    d.validation.map((r) => r.scores),
    best,
  );
  const pct = (q: number) => `${(100 * q).toFixed(2)}%`;
  const note =
    `Shrinkage towards the best single model (${d.modelIds[best]}): its logit gets +δ, δ = ${shift.delta} chosen on the validation rows ` +
    `(validation routed quality ${pct(shift.unshifted)} → ${pct(shift.quality)}).`;
  return { rows: d.validation, predictions: undefined, note, shift: { best, delta: shift.delta } };
}
