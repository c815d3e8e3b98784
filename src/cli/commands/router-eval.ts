/**
 * `switchyard router eval`: for each dataset, fits the router on its train split (choices cross-validated
 * there, fit-router.ts), evaluates it and the baselines on the test split, and writes docs/router-eval.md, docs/router-*.svg and docs/router-eval.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { integerOption, parseCommandArgs } from "../command-args.ts";
import { startProgress } from "../progress.ts";
import { type DatasetEval, macroMeans, renderDataset, renderPlots } from "../../router/eval-report.ts";
import { evaluateRouter, methodLabel } from "../../router/evaluate.ts";
import { featurize } from "../../router/features.ts";
import { type CvPoint, DEFAULT_FIT_OPTIONS, type FitOptions, type FitResult, fitEpochCount, fitRouter } from "../../router/fit-router.ts";
import { predictQualities } from "../../router/mf-model.ts";
import { DEFAULT_DATA_DIR, datasetNames } from "../../router/outcome-files.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../../router/train.ts";
import { MODEL7_PARAMS, prepareData } from "../../router/training-data.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard router eval [options]
  --data <dir>          outcome data (SOURCE.md layout)                          [${DEFAULT_DATA_DIR}]
  --dataset <name>      a folder of --data (<task>_train and <task>_test files), or all [all]
  --out <dir>           where the report and plots go                            [docs]
  --epochs <n>          most epochs per fold; the kept count is cross-validated  [${DEFAULT_FIT_OPTIONS.epochs}]
  --seed <n>            seed of init and shuffling                               [${DEFAULT_TRAIN_OPTIONS.seed}]
  --folds <n>           cross-validation folds over the train rows               [${DEFAULT_FIT_OPTIONS.folds}]`;

/** Runs the command. */
export async function run(argv: string[]): Promise<void> {
  const values = parseCommandArgs(argv, usage, {
    options: {
      data: { type: "string", default: join(root, DEFAULT_DATA_DIR) },
      dataset: { type: "string", default: "all" },
      out: { type: "string", default: join(root, "docs") },
      epochs: { type: "string", default: String(DEFAULT_FIT_OPTIONS.epochs) },
      seed: { type: "string", default: String(DEFAULT_TRAIN_OPTIONS.seed) },
      folds: { type: "string", default: String(DEFAULT_FIT_OPTIONS.folds) },
    },
  })?.values;
  if (!values) return;
  const datasets = values.dataset === "all" ? await datasetNames(values.data) : [values.dataset];
  const epochs = integerOption("epochs", values.epochs, usage);
  const seed = integerOption("seed", values.seed, usage, { min: 0 });
  const folds = integerOption("folds", values.folds, usage, { min: 2 });

  const command = `switchyard router eval --dataset ${values.dataset} --epochs ${epochs} --seed ${seed} --folds ${folds}`;
  const sections: string[] = [];
  const json: Record<string, unknown> = {};
  await mkdir(values.out, { recursive: true });
  for (const dataset of datasets) {
    const d = await prepareData(values.data, dataset);
    const { rows, xs } = d;
    const withCost = rows.every((r) => r.costs);
    const fitOptions = { folds, epochs, selectBy: withCost ? "budget" : "routed-quality", shiftToBestSingle: !withCost, train: { seed } } as const;
    const fitProgress = startProgress(`${dataset} fit`, "epoch", fitEpochCount(rows.length, fitOptions));
    const fit = fitRouter(rows, xs, d.modelIds, fitOptions, (info) => fitProgress.tick(info));
    fitProgress.stop();
    const evalProgress = startProgress(`${dataset} eval`, "task", d.test.length);
    const tasks = evaluateRouter({
      modelIds: d.modelIds,
      train: rows,
      trainX: xs,
      validation: rows,
      validationPredictions: fit.outOfFold ?? undefined,
      test: d.test,
      featurize,
      predict: (x) => predictQualities(fit.model, x),
      costProxy: d.modelIds.map((m) => MODEL7_PARAMS[m] ?? 1),
      onTask: (task) => evalProgress.tick(task),
    });
    evalProgress.stop();
    const skipped = [d.trainSet.skipped, ...d.test.map((t) => t.skipped)].flatMap((s) => s.describe());
    const report: DatasetEval = { dataset, command, tasks, skipped, trainInfo: describeFit(rows.length, d.modelIds.length, folds, epochs, fit, fitOptions.selectBy) };
    const plots = renderPlots(report);
    for (const p of plots) await writeFile(join(values.out, p.file), `${p.svg}\n`);
    sections.push(renderDataset(report, plots.map((p) => p.file)));
    json[dataset] = { tasks, macro: macroMeans(tasks), shrinkage: fit.beta, epochs: fit.epochs, crossValidation: fit.table, shift: fit.shift, skipped };
    for (const m of macroMeans(tasks)) console.log(`${dataset}  ${methodLabel(m).padEnd(58)} ${(100 * m.quality).toFixed(2)}%`);
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
    "split, which neither training, the cross-validated choices (target shrinkage β, epoch count, shrinkage δ, λ) nor",
    "the baselines ever read. Quality is the dataset's per-prompt score of the chosen model (0..1, shown in %);",
    "top-1 = an optimal model was chosen; regret = oracle − chosen.",
    "",
  ];
  await writeFile(join(values.out, "router-eval.md"), `${[...header, ...sections].join("\n")}\n`);
  await writeFile(join(values.out, "router-eval.json"), `${JSON.stringify(json, null, 1)}\n`);
  console.log(`wrote ${join(values.out, "router-eval.md")}`);
}

/** The paragraph that says how the evaluated router was fitted. */
function describeFit(n: number, models: number, folds: number, epochs: number, fit: FitResult, selectBy: FitOptions["selectBy"]): string {
  const pct = (q: number) => `${(100 * q).toFixed(2)}%`;
  const grid = [...new Set(fit.table.map((p) => p.beta))];
  const lead = (p: CvPoint) => (selectBy === "budget" ? (p.budgetQuality ?? 0) : p.routedQuality);
  const figure = (p: CvPoint | null) => (p ? `${selectBy === "budget" ? "within budget" : "routed quality"} ${pct(lead(p))}` : "no cross-validation");
  const best = (beta: number) => fit.table.filter((p) => p.beta === beta).reduce((a, b) => (lead(b) > lead(a) ? b : a));
  const perBeta = grid.map((beta) => `β = ${beta}: ${pct(lead(best(beta)))} at epoch ${best(beta).epoch}`).join(", ");
  const shift = fit.shift
    ? ` Shrinkage towards the best single model (${fit.shift.model}): δ = ${fit.shift.delta} on its logit, chosen on the same out-of-fold predictions (routed quality ${pct(fit.shift.unshifted)} → ${pct(fit.shift.quality)}).`
    : " The λ_cost operating points are picked on the same out-of-fold predictions.";
  return (
    `Trained on ${n} train prompts, ${models} models; encoder ${DEFAULT_TRAIN_OPTIONS.hidden} hidden → ${DEFAULT_TRAIN_OPTIONS.embed}-d embedding. ` +
    `Target shrinkage β (each score pulled towards its task's mean, src/router/target-shrinkage.ts) and the epoch count (≤ ${epochs}) are chosen by ${folds}-fold cross-validation over the train prompts ` +
    `by ${selectBy === "budget" ? "out-of-fold macro quality within 30% of each task's best single model's cost (the best λ_cost point under that budget)" : "out-of-fold macro routed quality"}; best per β: ${perBeta}. ` +
    `Chosen: β = ${fit.beta}, ${fit.epochs} epochs (${figure(fit.chosen)}).${shift} ` +
    `The evaluated router is then refitted on all ${n} train prompts with those choices (same seed); the baselines use the same prompts.`
  );
}
