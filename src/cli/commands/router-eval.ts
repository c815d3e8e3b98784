/**
 * `switchyard router eval`: measures the learned router against the baselines on held-out prompts and writes
 * <out>/router-eval.md, <out>/router-eval.json and <out>/router-*.svg. The router is fitted on the train rows
 * (as `router train` fits it, the same fit options) or read from a trained artifact (--artifact); the
 * baselines always train on the train rows. Train rows and test tasks come from a dataset folder's split, or
 * from records files (--train, --records), or one side from each.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseCommandArgs } from "../command-args.ts";
import { type EvalData, loadEvalData } from "../eval-data.ts";
import { artifactRouter, type EvaluatedRouter, fittedRouter } from "../eval-router.ts";
import { FIT_ARG_OPTIONS, FIT_USAGE, fitArgsFlags, readFitArgs, refuseFitArgs } from "../fit-args.ts";
import { startProgress } from "../progress.ts";
import { macroMeans, renderDataset, renderPlots } from "../../router/eval-report.ts";
import { describeVerdict, routerVerdicts } from "../../router/eval-verdict.ts";
import { evaluateRouter, methodLabel, type TaskEval } from "../../router/evaluate.ts";
import { featurize, type SparseFeatures } from "../../router/features.ts";
import { DEFAULT_DATA_DIR } from "../../router/outcome-files.ts";
import { MODEL7_PARAMS } from "../../router/training-data.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard router eval [options]
  --data <dir>          outcome data (SOURCE.md layout)                          [${DEFAULT_DATA_DIR}]
  --dataset <name>      a folder of --data (<task>_train and <task>_test files), or all [all];
                        with only one of --train and --records, the dataset of the other side
  --train <file>        train rows from outcome records (JSON Lines) instead of the dataset's train split
  --records <file>      test rows from outcome records (JSON Lines) instead of the dataset's test split;
                        its prompts that the train rows hold, and rows missing a model's score, are left out
  --artifact <file>     evaluate this trained router (.onnx with its .json) instead of fitting one; its
                        models must be the train rows' (the baselines still train on the train rows)
  --out <dir>           where the report and plots go                            [docs]
                        (.router/eval with --train, --records or --artifact)
${FIT_USAGE}`;

/** Runs the command. */
export async function run(argv: string[]): Promise<void> {
  const values = parseCommandArgs(argv, usage, {
    options: {
      data: { type: "string", default: join(root, DEFAULT_DATA_DIR) },
      dataset: { type: "string" },
      train: { type: "string" },
      records: { type: "string" },
      artifact: { type: "string" },
      out: { type: "string" },
      ...FIT_ARG_OPTIONS,
    },
  })?.values;
  if (!values) return;
  if (values.artifact) refuseFitArgs(values, "--artifact evaluates a trained router; these options fit one", usage);
  const settings = readFitArgs(values, usage);
  const own = values.train || values.records || values.artifact;
  const out = values.out ?? (own ? join(root, ".router", "eval") : join(root, "docs"));
  const sources = [
    values.dataset ? `--dataset ${values.dataset}` : values.train && values.records ? "" : "--dataset all",
    values.train ? `--train ${values.train}` : "",
    values.records ? `--records ${values.records}` : "",
    values.artifact ? `--artifact ${values.artifact}` : fitArgsFlags(settings),
  ];
  const command = ["switchyard router eval", ...sources].filter(Boolean).join(" ");

  const all = await loadEvalData({ data: values.data, dataset: values.dataset, train: values.train, records: values.records }, usage);
  const sections: string[] = [];
  const json: Record<string, unknown> = {};
  await mkdir(out, { recursive: true });
  for (const d of all) {
    const xs = d.train.rows.map((r) => featurize(r.prompt));
    const router = values.artifact ? await artifactRouter(values.artifact, d) : fittedRouter(d, xs, settings);
    const report = { dataset: d.name, command, tasks: evaluate(d, xs, router), skipped: d.skipped.flatMap((s) => s.describe()), trainInfo: router.info };
    const plots = renderPlots(report);
    for (const p of plots) await writeFile(join(out, p.file), `${p.svg}\n`);
    sections.push(renderDataset(report, plots.map((p) => p.file)));
    const verdicts = routerVerdicts(report.tasks);
    json[d.name] = { tasks: report.tasks, macro: macroMeans(report.tasks), verdicts, ...router.json, skipped: report.skipped };
    for (const m of macroMeans(report.tasks)) console.log(`${d.name}  ${methodLabel(m).padEnd(58)} ${(100 * m.quality).toFixed(2)}%`);
    for (const t of report.tasks) {
      const op = t.curve?.operatingPoint;
      if (!op) continue;
      console.log(`${d.name}/${t.task}: ${(100 * op.quality).toFixed(2)}% at ${(100 * op.costShare).toFixed(1)}% of ${op.bestSingle}'s cost (λ=${op.lambda})`);
      const qp = op.qualityPoint;
      console.log(`${d.name}/${t.task} quality point: ${(100 * qp.quality).toFixed(2)}% at ${(100 * qp.costShare).toFixed(1)}% of its cost (λ=${qp.lambda})`);
    }
    for (const v of verdicts) console.log(`${d.name}: ${describeVerdict(v)}`);
  }
  const header = [
    "# Learned router: offline evaluation",
    "",
    "Generated by `switchyard router eval` (src/cli/commands/router-eval.ts); every figure below comes from test",
    values.artifact
      ? "prompts that the baselines never read (what the artifact trained on is what its sidecar says, below)."
      : "prompts that neither training, the cross-validated choices (target shrinkage β, epoch count, shrinkage δ, λ) nor",
    ...(values.artifact ? [] : ["the baselines ever read."]),
    "Quality is the dataset's per-prompt score of the chosen model (0..1, shown in %);",
    "top-1 = an optimal model was chosen; regret = oracle − chosen.",
    "",
  ];
  await writeFile(join(out, "router-eval.md"), `${[...header, ...sections].join("\n")}\n`);
  await writeFile(join(out, "router-eval.json"), `${JSON.stringify(json, null, 1)}\n`);
  console.log(`wrote ${join(out, "router-eval.md")}`);
}

/** The router and every baseline on each test task. */
function evaluate(d: EvalData, xs: SparseFeatures[], router: EvaluatedRouter): TaskEval[] {
  const progress = startProgress(`${d.name} eval`, "task", d.test.length);
  const tasks = evaluateRouter({
    modelIds: d.train.modelIds,
    train: d.train.rows,
    trainX: xs,
    validation: d.train.rows,
    validationPredictions: router.validationPredictions,
    test: d.test,
    featurize,
    predict: router.predict,
    costProxy: d.train.modelIds.map((m) => MODEL7_PARAMS[m] ?? 1),
    onTask: (task) => progress.tick(task),
  });
  progress.stop();
  return tasks;
}
